#include "ui/reactions/RecentFilesReaction.h"

#include "ui/MeshDocument.h"
#include "ui/Preferences.h"

#include <QAction>
#include <QDir>
#include <QFileInfo>
#include <QMenu>

namespace lf::ui {

RecentFilesReaction::RecentFilesReaction(QMenu* menu, MeshDocument* document,
                                         Preferences* preferences)
    : QObject(menu), menu_(menu), document_(document), preferences_(preferences)
{
    connect(menu_, &QMenu::aboutToShow, this, &RecentFilesReaction::rebuildMenu);
    connect(document_, &MeshDocument::meshChanged, this, [this] {
        if (!document_->filePath().isEmpty()) preferences_->addRecentFile(document_->filePath());
        rebuildMenu();
    });
    connect(document_, &MeshDocument::loadFailed, this, [this](const QString& path) {
        // A file that is gone leaves the list; one that exists but failed may be fixed later.
        if (!QFileInfo::exists(path)) preferences_->removeRecentFile(path);
        rebuildMenu();
    });
    rebuildMenu();
}

void RecentFilesReaction::rebuildMenu()
{
    menu_->clear();
    const QStringList files = preferences_->recentFiles();
    int index = 1;
    for (const QString& path : files) {
        // &1..&9 and 1&0 as mnemonics, like most desktop apps.
        const QString label = QStringLiteral("&%1  %2").arg(index++).arg(
            QDir::toNativeSeparators(path));
        QAction* action = menu_->addAction(label);
        action->setData(path);
        connect(action, &QAction::triggered, this, [this, path] { Q_EMIT openRequested(path); });
    }
    if (files.isEmpty()) {
        menu_->addAction(tr("No recent files"))->setEnabled(false);
        return;
    }
    menu_->addSeparator();
    connect(menu_->addAction(tr("Clear Recent Files")), &QAction::triggered, this, [this] {
        preferences_->clearRecentFiles();
        rebuildMenu();
    });
}

}  // namespace lf::ui
