#pragma once
// File > Recent Files: rebuilt from the preferences each time the menu opens; successful loads
// are added, files that failed to load are dropped.
#include <QObject>

class QMenu;

namespace lf::ui {

class MeshDocument;
class Preferences;

class RecentFilesReaction : public QObject {
    Q_OBJECT
public:
    RecentFilesReaction(QMenu* menu, MeshDocument* document, Preferences* preferences);
    void rebuildMenu();

Q_SIGNALS:
    void openRequested(const QString& path);

private:
    QMenu* menu_;
    MeshDocument* document_;
    Preferences* preferences_;
};

}  // namespace lf::ui
