#pragma once
// Shapes > Encode Mesh into the Space…: pick a mesh; the decode worker imports it, samples its
// SDF and encodes it; the latent becomes the current design (undoable) and the input is shown
// semi-transparent beside the reconstruction.
#include "ui/reactions/Reaction.h"

class QWidget;

namespace lf::ui {

class Preferences;
class ShapeExplorer;

class EncodeMeshReaction : public Reaction {
    Q_OBJECT
public:
    EncodeMeshReaction(QAction* action, ShapeExplorer* explorer, Preferences* preferences,
                       QWidget* dialogParent);
    // The code path after the dialog.
    void encode(const QString& path);

protected:
    void onTriggered() override;

private:
    ShapeExplorer* explorer_;
    Preferences* preferences_;
    QWidget* dialogParent_;
};

}  // namespace lf::ui
