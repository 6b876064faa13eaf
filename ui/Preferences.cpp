#include "ui/Preferences.h"

#include "core/geometry/ShapeMeshing.h"

#include <QDir>
#include <QFileInfo>

#include <cmath>

namespace lf::ui {

namespace {
const QString kGeometry = QStringLiteral("window/geometry");
const QString kState = QStringLiteral("window/state");
const QString kRecent = QStringLiteral("files/recent");
const QString kLastOpenDir = QStringLiteral("files/lastOpenDir");
const QString kLastExportDir = QStringLiteral("files/lastExportDir");
const QString kExportFormat = QStringLiteral("export/format");
const QString kExportUnit = QStringLiteral("export/unit");
const QString kExportUpAxis = QStringLiteral("export/upAxis");
const QString kDesignScale = QStringLiteral("design/mmPerModelUnit");
const QString kShowEdges = QStringLiteral("view/showEdges");
const QString kShowGrid = QStringLiteral("view/showGrid");
const QString kReadMeshesYUp = QStringLiteral("import/readMeshesYUp");

// Formats are stored by a stable name, not the enum's number.
QString formatKey(ExportFormat format)
{
    switch (format) {
    case ExportFormat::StlBinary: return QStringLiteral("stl");
    case ExportFormat::StlAscii: return QStringLiteral("stl-ascii");
    case ExportFormat::Obj: return QStringLiteral("obj");
    case ExportFormat::PlyBinary: return QStringLiteral("ply");
    case ExportFormat::Gltf: return QStringLiteral("gltf");
    case ExportFormat::Glb: return QStringLiteral("glb");
    }
    return QStringLiteral("stl");
}
}  // namespace

Preferences::Preferences() : settings_(std::make_unique<QSettings>()) {}

Preferences::Preferences(const QString& iniFile)
    : settings_(std::make_unique<QSettings>(iniFile, QSettings::IniFormat))
{
}

QByteArray Preferences::windowGeometry() const { return settings_->value(kGeometry).toByteArray(); }
void Preferences::setWindowGeometry(const QByteArray& g) { settings_->setValue(kGeometry, g); }
QByteArray Preferences::windowState() const { return settings_->value(kState).toByteArray(); }
void Preferences::setWindowState(const QByteArray& s) { settings_->setValue(kState, s); }

QStringList Preferences::recentFiles() const
{
    return settings_->value(kRecent).toStringList();
}

namespace {
// One spelling per file, so that "a/../b.stl" and "b.stl" are one entry.
QString normalizedPath(const QString& path)
{
    return QDir::cleanPath(QFileInfo(path).absoluteFilePath());
}
}  // namespace

void Preferences::addRecentFile(const QString& path)
{
    const QString absolute = normalizedPath(path);
    QStringList files = recentFiles();
    files.removeAll(absolute);
    files.prepend(absolute);
    while (files.size() > kMaxRecentFiles) files.removeLast();
    settings_->setValue(kRecent, files);
}

void Preferences::removeRecentFile(const QString& path)
{
    QStringList files = recentFiles();
    files.removeAll(normalizedPath(path));
    settings_->setValue(kRecent, files);
}

void Preferences::clearRecentFiles() { settings_->remove(kRecent); }

QString Preferences::lastOpenDir() const
{
    return settings_->value(kLastOpenDir, QDir::homePath()).toString();
}
void Preferences::setLastOpenDir(const QString& dir) { settings_->setValue(kLastOpenDir, dir); }

QString Preferences::lastExportDir() const
{
    return settings_->value(kLastExportDir, lastOpenDir()).toString();
}
void Preferences::setLastExportDir(const QString& dir) { settings_->setValue(kLastExportDir, dir); }

ExportFormat Preferences::exportFormat() const
{
    const QString key = settings_->value(kExportFormat).toString();
    for (ExportFormat f : {ExportFormat::StlBinary, ExportFormat::StlAscii, ExportFormat::Obj,
                           ExportFormat::PlyBinary, ExportFormat::Gltf, ExportFormat::Glb})
        if (formatKey(f) == key) return f;
    return ExportFormat::StlBinary;
}
void Preferences::setExportFormat(ExportFormat f) { settings_->setValue(kExportFormat, formatKey(f)); }

LengthUnit Preferences::exportUnit() const
{
    return unitFromSymbol(settings_->value(kExportUnit, QStringLiteral("mm")).toString());
}
void Preferences::setExportUnit(LengthUnit u) { settings_->setValue(kExportUnit, unitSymbol(u)); }

UpAxis Preferences::exportUpAxis() const
{
    return settings_->value(kExportUpAxis, QStringLiteral("z")).toString() == QStringLiteral("y") ? UpAxis::Y
                                                                                                 : UpAxis::Z;
}
void Preferences::setExportUpAxis(UpAxis up)
{
    settings_->setValue(kExportUpAxis, up == UpAxis::Y ? QStringLiteral("y") : QStringLiteral("z"));
}

double Preferences::designScale() const
{
    bool ok = false;
    const double scale = settings_->value(kDesignScale, kDefaultDesignScale).toDouble(&ok);
    return ok && scale > 0 && std::isfinite(scale) ? scale : kDefaultDesignScale;  // a bad value: the default
}
void Preferences::setDesignScale(double scale)
{
    if (scale > 0 && std::isfinite(scale)) settings_->setValue(kDesignScale, scale);
}

bool Preferences::showEdges() const { return settings_->value(kShowEdges, false).toBool(); }
void Preferences::setShowEdges(bool show) { settings_->setValue(kShowEdges, show); }
bool Preferences::showGrid() const { return settings_->value(kShowGrid, true).toBool(); }
void Preferences::setShowGrid(bool show) { settings_->setValue(kShowGrid, show); }

bool Preferences::readMeshesYUp() const { return settings_->value(kReadMeshesYUp, false).toBool(); }
void Preferences::setReadMeshesYUp(bool yUp) { settings_->setValue(kReadMeshesYUp, yUp); }

void Preferences::sync() { settings_->sync(); }

}  // namespace lf::ui
