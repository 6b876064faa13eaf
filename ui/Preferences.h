#pragma once
// Typed access to the user's settings (QSettings underneath), so that keys and defaults live in
// one place.
#include "ui/ExportSettings.h"

#include <QByteArray>
#include <QSettings>
#include <QString>
#include <QStringList>

#include <memory>

namespace lf::ui {

class Preferences {
public:
    static constexpr int kMaxRecentFiles = 10;

    // The application's settings (organisation/application names from QCoreApplication).
    Preferences();
    // Settings in a given file (tests, portable installs).
    explicit Preferences(const QString& iniFile);

    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray& geometry);
    QByteArray windowState() const;
    void setWindowState(const QByteArray& state);

    // Most recent first, no duplicates, at most kMaxRecentFiles.
    QStringList recentFiles() const;
    void addRecentFile(const QString& path);
    void removeRecentFile(const QString& path);
    void clearRecentFiles();

    QString lastOpenDir() const;
    void setLastOpenDir(const QString& dir);
    QString lastExportDir() const;
    void setLastExportDir(const QString& dir);

    ExportFormat exportFormat() const;
    void setExportFormat(ExportFormat format);
    LengthUnit exportUnit() const;
    void setExportUnit(LengthUnit unit);
    // The up axis exports write STL, OBJ and PLY with (+z unless chosen otherwise).
    UpAxis exportUpAxis() const;
    void setExportUpAxis(UpAxis up);

    // The shape design's millimetres per model unit, as the last window closed with it
    // (kDefaultDesignScale at first).
    double designScale() const;
    void setDesignScale(double scale);

    bool showEdges() const;
    void setShowEdges(bool show);
    bool showGrid() const;
    void setShowGrid(bool show);
    // Read STL, OBJ, PLY... files as +y up (glTF is +y up anyway); off: +z up, the app's axis.
    bool readMeshesYUp() const;
    void setReadMeshesYUp(bool yUp);

    void sync();
    QSettings& settings() { return *settings_; }

private:
    std::unique_ptr<QSettings> settings_;
};

}  // namespace lf::ui
