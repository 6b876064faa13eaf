#pragma once
// Dock panel with the mesh report (lf::computeMeshReport): counts, size, area, volume, the
// topology checks and a plain printable / not printable verdict with the reasons.
#include "core/geometry/MeshReport.h"

#include <QDockWidget>
#include <QMap>

#include <optional>

class QFormLayout;
class QLabel;

namespace lf::ui {

class MeshReportPanel : public QDockWidget {
    Q_OBJECT
public:
    explicit MeshReportPanel(QWidget* parent = nullptr);

    // Counts and size right away, while the report is being computed.
    void showMesh(const QString& name, const Mesh& mesh);
    void showReport(const QString& name, const MeshReport& report);
    void showReportError(const QString& message);
    void clear();

    // Test hooks: the verdict line and a field's shown text ("vertices", "triangles", ...).
    QString verdictText() const;
    QString fieldText(const QString& key) const;

    // Why a report is not printable, in words (empty when printable).
    static QStringList problems(const MeshReport& report);

private:
    void setField(const QString& key, const QString& text);

    QLabel* nameLabel_;
    QLabel* verdictLabel_;
    QFormLayout* form_;
    QMap<QString, QLabel*> fields_;
};

}  // namespace lf::ui
