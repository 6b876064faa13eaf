#include "ui/panels/MeshReportPanel.h"

#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

namespace lf::ui {

namespace {
struct Field {
    const char* key;
    const char* label;
};
constexpr Field kFields[] = {
    {"vertices", "Vertices"},
    {"triangles", "Triangles"},
    {"size", "Size (mm)"},
    {"area", "Surface area"},
    {"volume", "Volume"},
    {"components", "Parts"},
    {"degenerate", "Degenerate triangles"},
    {"watertight", "Watertight"},
    {"edgeManifold", "Edge manifold"},
    {"vertexManifold", "Vertex manifold"},
    {"orientable", "Orientable"},
    {"insideOut", "Inside out"},
    {"selfIntersecting", "Self-intersecting"},
};

QString yesNo(bool value) { return value ? QObject::tr("yes") : QObject::tr("no"); }
QString number(double value, int decimals = 2) { return QLocale().toString(value, 'f', decimals); }
}  // namespace

MeshReportPanel::MeshReportPanel(QWidget* parent) : QDockWidget(tr("Mesh Report"), parent)
{
    setObjectName(QStringLiteral("MeshReportPanel"));  // for saveState/restoreState
    auto* body = new QWidget(this);
    auto* layout = new QVBoxLayout(body);
    nameLabel_ = new QLabel(body);
    nameLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    nameLabel_->setWordWrap(true);
    verdictLabel_ = new QLabel(body);
    verdictLabel_->setObjectName(QStringLiteral("verdictLabel"));
    verdictLabel_->setWordWrap(true);
    verdictLabel_->setMargin(6);
    QFont verdictFont = verdictLabel_->font();
    verdictFont.setBold(true);
    verdictFont.setPointSizeF(verdictFont.pointSizeF() * 1.2);
    verdictLabel_->setFont(verdictFont);
    form_ = new QFormLayout;
    for (const Field& field : kFields) {
        auto* value = new QLabel(body);
        value->setObjectName(QString::fromLatin1(field.key) + QStringLiteral("Value"));
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value->setWordWrap(true);
        // Long values wrap instead of widening the dock (which would shrink the 3D view).
        value->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        form_->addRow(tr(field.label) + QLatin1Char(':'), value);
        fields_.insert(QString::fromLatin1(field.key), value);
    }
    layout->addWidget(nameLabel_);
    layout->addWidget(verdictLabel_);
    layout->addLayout(form_);
    layout->addStretch(1);
    // The panel's width does not follow its text: loading a mesh must not resize the 3D view.
    for (QLabel* label : {nameLabel_, verdictLabel_})
        label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    body->setMinimumWidth(280);
    setWidget(body);
    clear();
}

void MeshReportPanel::setField(const QString& key, const QString& text)
{
    if (QLabel* label = fields_.value(key)) label->setText(text);
}

QStringList MeshReportPanel::problems(const MeshReport& report)
{
    QStringList reasons;
    if (report.triangles == 0) reasons << tr("the mesh has no triangles");
    if (!report.watertight) reasons << tr("it has holes (not watertight)");
    if (!report.edgeManifold || !report.vertexManifold) reasons << tr("it is not manifold");
    if (!report.orientable) reasons << tr("its faces cannot be oriented consistently");
    if (report.insideOut)
        reasons << tr("its faces point inward (inside out; File > Export can turn them outward)");
    else if (report.shellsFacingInward > 0)
        reasons << tr("%n of its shells face inward (File > Export can turn them outward)", nullptr,
                      int(report.shellsFacingInward));
    if (report.selfIntersecting) reasons << tr("it intersects itself");
    return reasons;
}

void MeshReportPanel::showReport(const QString& name, const MeshReport& report)
{
    nameLabel_->setText(name);
    const QLocale locale;
    setField(QStringLiteral("vertices"), locale.toString(qulonglong(report.vertices)));
    setField(QStringLiteral("triangles"), locale.toString(qulonglong(report.triangles)));
    const Vec3f size = report.bounds.size();
    setField(QStringLiteral("size"), QStringLiteral("%1 × %2 × %3")
                                         .arg(number(size[0]), number(size[1]), number(size[2])));
    setField(QStringLiteral("area"), number(report.surfaceArea) + QStringLiteral(" mm²"));
    setField(QStringLiteral("volume"), report.volume
                                           ? number(*report.volume) + QStringLiteral(" mm³")
                                           : tr("n/a (not a closed surface)"));
    QString components = locale.toString(qulonglong(report.connectedComponents));
    if (report.volume)  // closed: which shells are parts and which seal a cavity
        components += tr(" (bodies: %1, sealed voids: %2)").arg(report.bodies).arg(report.innerVoids);
    setField(QStringLiteral("components"), components);
    setField(QStringLiteral("degenerate"), locale.toString(qulonglong(report.degenerateTriangles)));
    setField(QStringLiteral("watertight"), yesNo(report.watertight));
    setField(QStringLiteral("edgeManifold"), yesNo(report.edgeManifold));
    setField(QStringLiteral("vertexManifold"), yesNo(report.vertexManifold));
    setField(QStringLiteral("orientable"), yesNo(report.orientable));
    QString insideOut = tr("n/a (not a closed surface)");
    if (report.volume)
        insideOut = report.insideOut || report.shellsFacingInward == 0
                        ? yesNo(report.insideOut)
                        : tr("%1 of %2 shells").arg(report.shellsFacingInward).arg(report.bodies + report.innerVoids);
    setField(QStringLiteral("insideOut"), insideOut);
    setField(QStringLiteral("selfIntersecting"), yesNo(report.selfIntersecting));

    const bool printable = report.printable();
    if (printable) {
        verdictLabel_->setText(tr("✔ Printable"));
        verdictLabel_->setToolTip(tr("Watertight, manifold, orientable, facing outward and not self-intersecting."));
        verdictLabel_->setStyleSheet(
            QStringLiteral("QLabel { background: #d8f0d8; color: #1b5e20; border-radius: 4px; }"));
    } else {
        verdictLabel_->setText(tr("✘ Not printable: %1").arg(problems(report).join(QStringLiteral("; "))));
        verdictLabel_->setToolTip(QString());
        verdictLabel_->setStyleSheet(
            QStringLiteral("QLabel { background: #f8dada; color: #8e1b1b; border-radius: 4px; }"));
    }
}

void MeshReportPanel::showMesh(const QString& name, const Mesh& mesh)
{
    clear();
    nameLabel_->setText(name);
    const QLocale locale;
    setField(QStringLiteral("vertices"), locale.toString(qulonglong(mesh.vertexCount())));
    setField(QStringLiteral("triangles"), locale.toString(qulonglong(mesh.triangleCount())));
    const Vec3f size = mesh.bounds().size();
    setField(QStringLiteral("size"), QStringLiteral("%1 × %2 × %3")
                                         .arg(number(size[0]), number(size[1]), number(size[2])));
    verdictLabel_->setText(tr("Checking printability…"));
}

void MeshReportPanel::showReportError(const QString& message)
{
    verdictLabel_->setText(tr("Printability unknown: %1").arg(message));
    verdictLabel_->setStyleSheet(
        QStringLiteral("QLabel { background: #fff3cd; color: #664d03; border-radius: 4px; }"));
}

void MeshReportPanel::clear()
{
    nameLabel_->setText(tr("No mesh loaded"));
    verdictLabel_->clear();
    verdictLabel_->setStyleSheet(QString());
    for (QLabel* label : fields_) label->setText(QStringLiteral("–"));
}

QString MeshReportPanel::verdictText() const { return verdictLabel_->text(); }

QString MeshReportPanel::fieldText(const QString& key) const
{
    const QLabel* label = fields_.value(key);
    return label ? label->text() : QString();
}

}  // namespace lf::ui
