#include "ui/reactions/CancelEncodeReaction.h"

#include "ui/ShapeExplorer.h"

#include <QAction>

namespace lf::ui {

CancelEncodeReaction::CancelEncodeReaction(QAction* action, ShapeExplorer* explorer)
    : Reaction(action), explorer_(explorer)
{
    action->setEnabled(explorer_->isEncoding());
    connect(explorer_, &ShapeExplorer::encodeStarted, action, [action] { action->setEnabled(true); });
    connect(explorer_, &ShapeExplorer::encodeFinished, action, [this, action] {
        action->setEnabled(explorer_->isEncoding());
    });
}

void CancelEncodeReaction::onTriggered()
{
    explorer_->cancelEncode();
}

}  // namespace lf::ui
