#include "ui/reactions/ReadYUpReaction.h"

#include "ui/MeshDocument.h"
#include "ui/Preferences.h"

#include <QAction>

namespace lf::ui {

ReadYUpReaction::ReadYUpReaction(QAction* action, MeshDocument* document, Preferences* preferences)
    : Reaction(action), document_(document), preferences_(preferences)
{
    action->setCheckable(true);
    action->setChecked(preferences_->readMeshesYUp());
    action->setToolTip(tr("Read STL, OBJ, PLY and other files as +Y up and stand them +Z up "
                          "(glTF is +Y up by its specification and is always read so)"));
    apply(action->isChecked());
}

void ReadYUpReaction::onTriggered()
{
    apply(action()->isChecked());
    preferences_->setReadMeshesYUp(action()->isChecked());
}

void ReadYUpReaction::apply(bool yUp)
{
    ImportOptions options;
    if (yUp) options.fileUpAxis = UpAxis::Y;  // glTF's own axis too, so glTF reads the same
    document_->setImportOptions(options);  // the explorer encodes as the document opens
}

}  // namespace lf::ui
