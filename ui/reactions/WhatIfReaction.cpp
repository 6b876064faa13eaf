#include "ui/reactions/WhatIfReaction.h"

#include "core/model/ModelLocator.h"
#include "ui/panels/WhatIfPanel.h"

#include <QAction>
#include <QCoreApplication>
#include <QDockWidget>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>

namespace lf::ui {

WhatIfPanel* installWhatIfPanel(QMainWindow& window, QMenu& viewMenu) {
    auto* panel = new WhatIfPanel(&window);
    QDockWidget* neighbour = nullptr;
    for (auto* dock : window.findChildren<QDockWidget*>()) {
        if (dock != panel && window.dockWidgetArea(dock) == Qt::RightDockWidgetArea) {
            neighbour = dock;
            break;
        }
    }
    window.addDockWidget(Qt::RightDockWidgetArea, panel);
    if (neighbour) window.tabifyDockWidget(neighbour, panel);
    QAction* toggle = panel->toggleViewAction();
    toggle->setText(QObject::tr("&What-if"));
    toggle->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+W")));
    viewMenu.addAction(toggle);

    const auto directory = findModelDirectory(
        kDefaultProcessModelId,
        modelSearchPaths(QCoreApplication::applicationDirPath().toStdString()));
    if (!directory) {
        panel->statusLabel()->setText(QObject::tr("No what-if model found (models/%1 or $LATENTFORGE_MODELS).")
                                          .arg(QString::fromLatin1(kDefaultProcessModelId)));
    } else {
        panel->loadModel(QString::fromStdString(directory->string()));
    }
    return panel;
}

}  // namespace lf::ui
