#include "ui/panels/InterpolationPanel.h"

#include "core/geometry/SdfContour.h"

#include "ui/MeshDocument.h"
#include "ui/ShapeDesign.h"
#include "ui/ShapeExplorer.h"
#include "ui/StatusColours.h"
#include "ui/WorkerErrors.h"

#include <QAction>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QStringList>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <limits>

namespace lf::ui {

namespace {
constexpr int kTMergeKey = 1000;  // undo merge key of the t slider (direction keys are small)
const QSize kThumbnailSize(96, 96);
}  // namespace

InterpolationPanel::InterpolationPanel(ShapeExplorer* explorer, QAction* exportAction,
                                       QWidget* parent)
    : QDockWidget(tr("Interpolation"), parent), explorer_(explorer), exportAction_(exportAction)
{
    setObjectName(QStringLiteral("InterpolationPanel"));
    auto* body = new QWidget;
    auto* layout = new QVBoxLayout(body);
    // One row of choices, the strip, one row of t/export: the dock stays short under the view.
    auto* choices = new QHBoxLayout;
    for (int i = 0; i < 2; ++i) {
        endpoints_[i].source = new QComboBox;
        endpoints_[i].seed = new QSpinBox;
        endpoints_[i].seed->setRange(0, std::numeric_limits<int>::max());
        endpoints_[i].seed->setValue(i + 1);
        choices->addWidget(new QLabel(i == 0 ? tr("A") : tr("B")));
        choices->addWidget(endpoints_[i].source, 1);
        choices->addWidget(endpoints_[i].seed);
        choices->addSpacing(8);
        connect(endpoints_[i].source, &QComboBox::currentIndexChanged, this, [this, i] {
            endpoints_[i].seed->setEnabled(endpoints_[i].source->currentData().toInt() == -1);
        });
    }
    stepsSpin_ = new QSpinBox;
    stepsSpin_->setRange(2, 16);
    stepsSpin_->setValue(6);
    choices->addWidget(new QLabel(tr("Steps")));
    choices->addWidget(stepsSpin_);
    modeCombo_ = new QComboBox;
    modeCombo_->addItem(tr("Spherical"));
    modeCombo_->addItem(tr("Linear"));
    choices->addWidget(modeCombo_);
    auto* buildButton = new QPushButton(tr("Build strip"));
    buildButton->setObjectName(QStringLiteral("buildStripButton"));
    choices->addWidget(buildButton);
    layout->addLayout(choices);

    auto* stripHost = new QWidget;
    stripLayout_ = new QHBoxLayout(stripHost);
    stripLayout_->setContentsMargins(0, 0, 0, 0);
    stripLayout_->addStretch(1);
    auto* stripScroll = new QScrollArea;
    stripScroll->setWidget(stripHost);
    stripScroll->setWidgetResizable(true);
    stripScroll->setFixedHeight(kThumbnailSize.height() + 40);
    layout->addWidget(stripScroll);

    auto* tRow = new QHBoxLayout;
    tLabel_ = new QLabel(tr("t = 0.00"));
    tSlider_ = new QSlider(Qt::Horizontal);
    tSlider_->setObjectName(QStringLiteral("tSlider"));
    tSlider_->setRange(0, kTSteps);
    tRow->addWidget(tLabel_);
    tRow->addWidget(tSlider_, 1);
    tRow->addSpacing(12);
    tRow->addWidget(new QLabel(tr("Step")));
    exportStepSpin_ = new QSpinBox;
    exportStepSpin_->setRange(1, 1);
    tRow->addWidget(exportStepSpin_);
    auto* exportButton = new QPushButton(tr("Export step…"));
    tRow->addWidget(exportButton);
    layout->addLayout(tRow);
    statusLabel_ = new QLabel;
    statusLabel_->setWordWrap(true);
    layout->addWidget(statusLabel_);
    setWidget(body);

    connect(buildButton, &QPushButton::clicked, this, &InterpolationPanel::buildStrip);
    connect(tSlider_, &QSlider::sliderPressed, this, [this] { ++tDragSerial_; });
    connect(tSlider_, &QSlider::valueChanged, this, [this](int value) {
        showBlend(double(value) / kTSteps, tSlider_->isSliderDown());
    });
    connect(tSlider_, &QSlider::sliderReleased, this,
            [this] { explorer_->design()->finishInteraction(); });
    connect(exportButton, &QPushButton::clicked, this,
            [this] { exportStep(exportStepSpin_->value() - 1); });
    connect(explorer_, &ShapeExplorer::favouritesChanged, this, &InterpolationPanel::refreshSources);
    connect(explorer_, &ShapeExplorer::thumbnailsReady, this, &InterpolationPanel::onThumbnails);
    connect(explorer_, &ShapeExplorer::shapeDecoded, this, &InterpolationPanel::onShapeDecoded);
    connect(explorer_, &ShapeExplorer::modelChanged, this, [this] {
        for (QToolButton* b : stripButtons_) delete b;
        stripButtons_.clear();
        latents_.clear();
        thumbnails_.clear();
        bodies_.clear();
        a_.clear();
        b_.clear();
    });
    refreshSources();
}

QString InterpolationPanel::statusText() const
{
    return statusLabel_->text();
}

void InterpolationPanel::refreshSources()
{
    for (int i = 0; i < 2; ++i) {
        QComboBox* combo = endpoints_[i].source;
        const QVariant previous = combo->currentData();
        const QSignalBlocker blocker(combo);
        combo->clear();
        combo->addItem(tr("Seed"), -1);
        combo->addItem(tr("Current design"), -2);
        const auto& favourites = explorer_->favourites();
        for (int f = 0; f < favourites.size(); ++f)
            combo->addItem(QStringLiteral("★ %1").arg(favourites[f].name), f);
        const int index = combo->findData(previous);
        combo->setCurrentIndex(index < 0 ? 0 : index);
        endpoints_[i].seed->setEnabled(combo->currentData().toInt() == -1);
    }
}

void InterpolationPanel::setEndpoint(int which, Source source, int seedOrFavourite)
{
    Endpoint& e = endpoints_[which == 0 ? 0 : 1];
    int data = -1;
    if (source == Source::Current) data = -2;
    if (source == Source::Favourite) data = seedOrFavourite;
    if (source == Source::Seed) e.seed->setValue(seedOrFavourite);
    e.source->setCurrentIndex(std::max(0, e.source->findData(data)));
}

void InterpolationPanel::setSteps(int steps)
{
    stepsSpin_->setValue(steps);
}

void InterpolationPanel::setSpherical(bool spherical)
{
    modeCombo_->setCurrentIndex(spherical ? 0 : 1);
}

ml::Latent InterpolationPanel::endpointLatent(int which) const
{
    const Endpoint& e = endpoints_[which == 0 ? 0 : 1];
    const ShapeDesign* design = explorer_->design();
    const int data = e.source->currentData().toInt();
    if (data == -2) return design->effectiveLatent();
    if (data >= 0 && data < explorer_->favourites().size())
        return explorer_->favourites()[data].latent;
    return design->latentOfSeed(std::uint64_t(e.seed->value()));
}

double InterpolationPanel::endpointScale(int which) const
{
    const int data = endpoints_[which == 0 ? 0 : 1].source->currentData().toInt();
    if (data >= 0 && data < explorer_->favourites().size()) return explorer_->favourites()[data].scale;
    return explorer_->design()->state().scale;
}

double InterpolationPanel::blendScale(double t) const
{
    return interpolateScale(scaleA_, scaleB_, t);  // as the CLI blends two placements
}

double InterpolationPanel::stepScale(int index) const
{
    const int n = int(latents_.size());
    return n < 2 ? scaleA_ : blendScale(double(index) / (n - 1));
}

void InterpolationPanel::showStatus(const QString& text)
{
    statusLabel_->setText(blendNote_.isEmpty() ? text : text + QLatin1Char(' ') + blendNote_);
}

ml::Latent InterpolationPanel::blend(double t) const
{
    return modeCombo_->currentIndex() == 0 ? ml::slerp(a_, b_, t) : ml::lerp(a_, b_, t);
}

bool InterpolationPanel::buildStrip()
{
    if (!explorer_->hasModel()) {
        statusLabel_->setText(noShapeModelMessage());
        return false;
    }
    a_ = endpointLatent(0);
    b_ = endpointLatent(1);
    scaleA_ = endpointScale(0);
    scaleB_ = endpointScale(1);
    const ShapeDesign* design = explorer_->design();
    const int familyA = design->familyOfLatent(a_), familyB = design->familyOfLatent(b_);
    blendNote_.clear();
    if (familyA >= 0 && familyB >= 0 && familyA != familyB) {
        blendNote_ = tr("A resembles a %1, B a %2: the steps between are hybrids of two families and may "
                        "split into separate parts (the strip marks those steps).")
                         .arg(design->familyName(familyA), design->familyName(familyB));
    }
    const int n = stepsSpin_->value();
    latents_.clear();
    for (int i = 0; i < n; ++i) latents_.push_back(blend(double(i) / (n - 1)));
    latents_.front() = a_;  // exact endpoints, whatever the arithmetic
    latents_.back() = b_;
    thumbnails_.clear();
    bodies_.clear();
    for (QToolButton* b : stripButtons_) delete b;
    stripButtons_.clear();
    exportStepSpin_->setRange(1, n);
    showStatus(tr("Rendering %1 thumbnails…").arg(n));
    stripRequest_ = explorer_->requestThumbnails(latents_, kThumbnailSize);
    return true;
}

void InterpolationPanel::onThumbnails(const ThumbnailStrip& strip)
{
    if (strip.requestId != stripRequest_) return;  // an older strip
    if (!strip.error.isEmpty()) {
        statusLabel_->setText(strip.error);
        return;
    }
    thumbnails_ = strip.images;
    bodies_ = strip.bodies;
    QStringList split;
    for (int i = 0; i < thumbnails_.size(); ++i) {
        auto* button = new QToolButton;
        button->setIcon(QPixmap::fromImage(thumbnails_[i]));
        button->setIconSize(kThumbnailSize);
        button->setToolButtonStyle(Qt::ToolButtonTextUnderIcon);
        QString tip = tr("Step %1 of %2: make it the current design").arg(i + 1).arg(thumbnails_.size());
        // What an export of the step would hold: one part, several, or nothing.
        const int bodies = bodies_[std::size_t(i)];  // the worker counts every step it renders
        if (bodies == 1) {
            button->setText(QStringLiteral("%1").arg(i + 1));
        } else {
            button->setText(bodies == 0 ? tr("%1: empty").arg(i + 1) : tr("%1: %2 parts").arg(i + 1).arg(bodies));
            button->setStyleSheet(QStringLiteral("QToolButton { %1 }").arg(textColourStyle(kCautionColour)));
            tip += bodies == 0 ? tr("\nIt decodes to no surface.")
                               : tr("\nIt decodes to %1 separate bodies: exported, it would print as %1 parts.").arg(bodies);
            split << QString::number(i + 1);
        }
        button->setToolTip(tip);
        connect(button, &QToolButton::clicked, this, [this, i] { selectStep(i); });
        stripLayout_->insertWidget(stripLayout_->count() - 1, button);
        stripButtons_.append(button);
    }
    QString text = tr("%1 steps from A to B.").arg(thumbnails_.size());
    if (!split.isEmpty())
        text += QLatin1Char(' ') + tr("Not one part: step(s) %1.").arg(split.join(QStringLiteral(", ")));
    showStatus(text);
    Q_EMIT stripReady();
}

void InterpolationPanel::showBlend(double t, bool interactive)
{
    tLabel_->setText(tr("t = %1").arg(t, 0, 'f', 2));
    if (a_.empty() || b_.empty()) {
        statusLabel_->setText(tr("Build a strip first"));
        return;
    }
    {
        const QSignalBlocker blocker(tSlider_);
        tSlider_->setValue(int(std::lround(t * kTSteps)));
    }
    ShapeDesign* design = explorer_->design();
    DesignState next = design->state();
    next.latent = blend(t);
    next.psi = 1.0;
    next.scale = blendScale(t);
    if (!interactive) ++tDragSerial_;
    design->apply(next, tr("Interpolate t = %1").arg(t, 0, 'f', 2), kTMergeKey, tDragSerial_,
                  interactive);
}

void InterpolationPanel::selectStep(int index)
{
    if (index < 0 || index >= int(latents_.size())) return;
    explorer_->design()->setEncodedLatent(latents_[std::size_t(index)], stepScale(index),
                                          tr("Interpolation step %1").arg(index + 1));
}

void InterpolationPanel::exportStep(int index)
{
    if (index < 0 || index >= int(latents_.size())) return;
    exportLatent_ = latents_[std::size_t(index)];
    exportWhenShown_ = true;
    if (explorer_->design()->effectiveLatent() == exportLatent_ &&
        explorer_->lastShape().latent == exportLatent_ && explorer_->lastShape().scale == stepScale(index) &&
        explorer_->lastShape().resolution >= explorer_->fullResolution()) {
        exportWhenShown_ = false;
        if (exportAction_) exportAction_->trigger();
        return;
    }
    selectStep(index);
}

void InterpolationPanel::onShapeDecoded(const DecodedShape& shape)
{
    if (!exportWhenShown_ || shape.latent != exportLatent_ ||
        shape.resolution < explorer_->fullResolution())
        return;
    exportWhenShown_ = false;
    // The document takes the mesh asynchronously: export once it is the document's mesh.
    if (exportAction_)
        connect(explorer_->document(), &MeshDocument::meshChanged, exportAction_,
                &QAction::trigger, Qt::SingleShotConnection);
}

}  // namespace lf::ui
