#include "ui/reactions/Reaction.h"

#include <QAction>

namespace lf::ui {

Reaction::Reaction(QAction* action) : QObject(action), action_(action)
{
    connect(action, &QAction::triggered, this, [this] { onTriggered(); });
}

}  // namespace lf::ui
