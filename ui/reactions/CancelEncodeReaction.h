#pragma once
// Shape > Cancel Encoding (also the status bar's Cancel button while an encode runs): stops the
// running encode within one refinement step; the design stays as it was. Enabled while encoding.
#include "ui/reactions/Reaction.h"

namespace lf::ui {

class ShapeExplorer;

class CancelEncodeReaction : public Reaction {
    Q_OBJECT
public:
    CancelEncodeReaction(QAction* action, ShapeExplorer* explorer);

protected:
    void onTriggered() override;

private:
    ShapeExplorer* explorer_;
};

}  // namespace lf::ui
