#include "ui/dialogs/ExportDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>

namespace lf::ui {

namespace {
bool isStl(ExportFormat f) { return f == ExportFormat::StlBinary || f == ExportFormat::StlAscii; }
}  // namespace

ExportDialog::ExportDialog(QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Export Mesh"));
    pathEdit_ = new QLineEdit(this);
    pathEdit_->setMinimumWidth(pathEdit_->fontMetrics().averageCharWidth() * 48);  // a whole name shows
    auto* browseButton = new QPushButton(tr("Browse…"), this);
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(pathEdit_, 1);
    pathRow->addWidget(browseButton);

    // ASCII STL is a checkbox on the STL entry rather than a separate format in the list.
    formatCombo_ = new QComboBox(this);
    for (const ExportFormatInfo& info : exportFormats()) {
        if (info.format == ExportFormat::StlAscii) continue;
        // One STL entry; binary or ASCII is the checkbox below.
        const QString name = info.format == ExportFormat::StlBinary
                                 ? QStringLiteral("STL")
                                 : QString::fromStdString(info.name);
        formatCombo_->addItem(
            QStringLiteral("%1 (*%2)").arg(name, QString::fromStdString(info.extension)),
            static_cast<int>(info.format));
    }
    asciiCheck_ = new QCheckBox(tr("ASCII STL (larger, human readable)"), this);
    unitCombo_ = new QComboBox(this);
    unitCombo_->addItem(tr("Millimetres (mm)"), static_cast<int>(LengthUnit::Millimetre));
    unitCombo_->addItem(tr("Centimetres (cm)"), static_cast<int>(LengthUnit::Centimetre));
    unitCombo_->addItem(tr("Metres (m)"), static_cast<int>(LengthUnit::Metre));
    unitCombo_->addItem(tr("Inches (in)"), static_cast<int>(LengthUnit::Inch));
    upCombo_ = new QComboBox(this);
    upCombo_->setObjectName(QStringLiteral("upAxisCombo"));
    upCombo_->addItem(tr("+Z (CAD, 3D printing)"), static_cast<int>(UpAxis::Z));
    upCombo_->addItem(tr("+Y (Blender, game engines)"), static_cast<int>(UpAxis::Y));

    turnOutwardCheck_ = new QCheckBox(tr("Turn faces outward (this mesh is inside out)"), this);
    turnOutwardCheck_->setObjectName(QStringLiteral("turnOutwardCheck"));
    turnOutwardCheck_->setToolTip(tr("Faces that point inward are read by slicers and CAD as a "
                                     "hole in space; the file gets them facing out"));
    turnOutwardCheck_->setVisible(false);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    auto* form = new QFormLayout(this);
    form->addRow(tr("File:"), pathRow);
    form->addRow(tr("Format:"), formatCombo_);
    form->addRow(QString(), asciiCheck_);
    form->addRow(tr("File units:"), unitCombo_);
    form->addRow(tr("Up axis:"), upCombo_);
    form->addRow(QString(), turnOutwardCheck_);
    form->addRow(buttons);

    connect(browseButton, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(formatCombo_, &QComboBox::currentIndexChanged, this, &ExportDialog::onFormatChanged);
    connect(upCombo_, &QComboBox::activated, this, [this] {
        chosenUp_ = static_cast<UpAxis>(upCombo_->currentData().toInt());
    });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(pathEdit_, &QLineEdit::textChanged, this, [this, buttons](const QString& text) {
        buttons->button(QDialogButtonBox::Ok)->setEnabled(!text.trimmed().isEmpty());
    });
}

void ExportDialog::setInitialChoice(const QString& basePath, ExportFormat format, LengthUnit unit,
                                    UpAxis up)
{
    chosenUp_ = up;
    const ExportFormat listed = format == ExportFormat::StlAscii ? ExportFormat::StlBinary : format;
    formatCombo_->setCurrentIndex(std::max(0, formatCombo_->findData(static_cast<int>(listed))));
    asciiCheck_->setChecked(format == ExportFormat::StlAscii);
    unitCombo_->setCurrentIndex(std::max(0, unitCombo_->findData(static_cast<int>(unit))));
    for (const ExportFormatInfo& info : exportFormats())
        if (info.format == listed)
            pathEdit_->setText(basePath + QString::fromStdString(info.extension));
    onFormatChanged();
}

void ExportDialog::setFacingInward(std::size_t shells, bool wholeMesh)
{
    turnOutwardCheck_->setText(wholeMesh ? tr("Turn faces outward (this mesh is inside out)")
                                         : tr("Turn faces outward (%n of this mesh's shells face inward)",
                                              nullptr, int(shells)));
    turnOutwardCheck_->setVisible(shells > 0);
    turnOutwardCheck_->setChecked(shells > 0);
}

ExportFormat ExportDialog::selectedFormat() const
{
    const auto listed = static_cast<ExportFormat>(formatCombo_->currentData().toInt());
    if (isStl(listed)) return asciiCheck_->isChecked() ? ExportFormat::StlAscii : ExportFormat::StlBinary;
    return listed;
}

void ExportDialog::onFormatChanged()
{
    const auto listed = static_cast<ExportFormat>(formatCombo_->currentData().toInt());
    asciiCheck_->setEnabled(isStl(listed));
    // glTF fixes its axis; the others take the user's choice.
    const bool fixed = conventionalUpAxis(listed) == UpAxis::Y;
    const UpAxis up = fixed ? UpAxis::Y : chosenUp_;
    upCombo_->setCurrentIndex(std::max(0, upCombo_->findData(static_cast<int>(up))));
    upCombo_->setEnabled(!fixed);
    upCombo_->setToolTip(fixed ? tr("glTF is +Y up by its specification")
                               : tr("The app's parts stand +Z up; choose +Y for tools that assume it"));
    // Keep the file's extension in step with the chosen format.
    for (const ExportFormatInfo& info : exportFormats()) {
        if (info.format != listed) continue;
        const QString path = pathEdit_->text();
        if (path.isEmpty()) return;
        const QFileInfo file(path);
        pathEdit_->setText(file.path() + QLatin1Char('/') + file.completeBaseName() +
                           QString::fromStdString(info.extension));
    }
}

void ExportDialog::browse()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Mesh"), pathEdit_->text());
    if (path.isEmpty()) return;
    pathEdit_->setText(path);
    if (const auto format = exportFormatForPath(path.toStdString())) {
        const ExportFormat listed = *format == ExportFormat::StlAscii ? ExportFormat::StlBinary : *format;
        formatCombo_->setCurrentIndex(std::max(0, formatCombo_->findData(static_cast<int>(listed))));
    }
}

ExportSettings ExportDialog::settings() const
{
    ExportSettings s;
    s.path = pathEdit_->text().trimmed();
    s.format = selectedFormat();
    s.unit = static_cast<LengthUnit>(unitCombo_->currentData().toInt());
    s.up = chosenUp_;
    s.turnOutward = !turnOutwardCheck_->isHidden() && turnOutwardCheck_->isChecked();
    return s;
}

}  // namespace lf::ui
