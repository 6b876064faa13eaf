#pragma once
// View menu reactions: camera reset / fit, and the show-edges / show-grid toggles (remembered in
// the preferences).
#include "ui/reactions/Reaction.h"

namespace lf::ui {

class MeshSceneManager;
class Preferences;

class ResetCameraReaction : public Reaction {
    Q_OBJECT
public:
    ResetCameraReaction(QAction* action, MeshSceneManager* scene);

protected:
    void onTriggered() override;

private:
    MeshSceneManager* scene_;
};

class FitViewReaction : public Reaction {
    Q_OBJECT
public:
    FitViewReaction(QAction* action, MeshSceneManager* scene);

protected:
    void onTriggered() override;

private:
    MeshSceneManager* scene_;
};

class ShowEdgesReaction : public Reaction {
    Q_OBJECT
public:
    ShowEdgesReaction(QAction* action, MeshSceneManager* scene, Preferences* preferences);

protected:
    void onTriggered() override;

private:
    MeshSceneManager* scene_;
    Preferences* preferences_;
};

class ShowGridReaction : public Reaction {
    Q_OBJECT
public:
    ShowGridReaction(QAction* action, MeshSceneManager* scene, Preferences* preferences);

protected:
    void onTriggered() override;

private:
    MeshSceneManager* scene_;
    Preferences* preferences_;
};

}  // namespace lf::ui
