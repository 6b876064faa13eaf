#pragma once
// ParaView-style reaction: a small object, owned by its QAction, that does what the action means.
// Keeps MainWindow a thin assembly of menus, panels and reactions.
#include <QObject>

class QAction;

namespace lf::ui {

class Reaction : public QObject {
    Q_OBJECT
public:
    explicit Reaction(QAction* action);
    QAction* action() const { return action_; }

protected:
    virtual void onTriggered() = 0;

private:
    QAction* action_;
};

}  // namespace lf::ui
