#include "ui/reactions/ViewReactions.h"

#include "ui/MeshSceneManager.h"
#include "ui/Preferences.h"

#include <QAction>

namespace lf::ui {

ResetCameraReaction::ResetCameraReaction(QAction* action, MeshSceneManager* scene)
    : Reaction(action), scene_(scene)
{
}
void ResetCameraReaction::onTriggered() { scene_->resetCamera(); }

FitViewReaction::FitViewReaction(QAction* action, MeshSceneManager* scene)
    : Reaction(action), scene_(scene)
{
}
void FitViewReaction::onTriggered() { scene_->fitToView(); }

ShowEdgesReaction::ShowEdgesReaction(QAction* action, MeshSceneManager* scene,
                                     Preferences* preferences)
    : Reaction(action), scene_(scene), preferences_(preferences)
{
    action->setCheckable(true);
    action->setChecked(preferences_->showEdges());
    scene_->setEdgesVisible(action->isChecked());
}
void ShowEdgesReaction::onTriggered()
{
    scene_->setEdgesVisible(action()->isChecked());
    preferences_->setShowEdges(action()->isChecked());
}

ShowGridReaction::ShowGridReaction(QAction* action, MeshSceneManager* scene,
                                   Preferences* preferences)
    : Reaction(action), scene_(scene), preferences_(preferences)
{
    action->setCheckable(true);
    action->setChecked(preferences_->showGrid());
    scene_->setGridVisible(action->isChecked());
}
void ShowGridReaction::onTriggered()
{
    scene_->setGridVisible(action()->isChecked());
    preferences_->setShowGrid(action()->isChecked());
}

}  // namespace lf::ui
