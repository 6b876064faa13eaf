#pragma once
// Installs the what-if dock into a main window: the dock (tabbed with the window's other right
// docks), its toggle in the View menu, and the default process model (core/model/ModelLocator.h)
// loading in the background. One call, so MainWindow stays a thin assembly.
class QMainWindow;
class QMenu;

namespace lf::ui {

class WhatIfPanel;

WhatIfPanel* installWhatIfPanel(QMainWindow& window, QMenu& viewMenu);

}  // namespace lf::ui
