#pragma once
// File > Read Meshes as +Y Up: the up axis of files without one of their own (STL, OBJ, PLY...).
// The app's world is +z up; meshes written +y up (many OBJ exporters) would otherwise lie on
// their side in the view and be encoded lying down. A preference; it applies to the next file
// opened or encoded.
#include "ui/reactions/Reaction.h"

namespace lf::ui {

class MeshDocument;
class Preferences;

class ReadYUpReaction : public Reaction {
    Q_OBJECT
public:
    ReadYUpReaction(QAction* action, MeshDocument* document, Preferences* preferences);

protected:
    void onTriggered() override;

private:
    void apply(bool yUp);
    MeshDocument* document_;
    Preferences* preferences_;
};

}  // namespace lf::ui
