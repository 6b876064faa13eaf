#pragma once
// Dock panel for blending two designs: A and B each from a seed, a favourite or the current
// design (which may be an encoded mesh); N steps, linear or spherical; a strip of thumbnails
// (CPU-rendered on the decode worker from the meshes an export would write, each marked when it
// is not one part), a t slider that shows the blend live in the 3D view, and any step can become
// the current design or be exported through File > Export.
#include "core/ml/LatentMath.h"

#include <QDockWidget>
#include <QImage>
#include <QList>

#include <vector>

class QAction;
class QComboBox;
class QHBoxLayout;
class QLabel;
class QSlider;
class QSpinBox;
class QToolButton;

namespace lf::ui {

class ShapeExplorer;
struct DecodedShape;
struct ThumbnailStrip;

class InterpolationPanel : public QDockWidget {
    Q_OBJECT
public:
    enum class Source { Seed, Current, Favourite };
    static constexpr int kTSteps = 1000;

    InterpolationPanel(ShapeExplorer* explorer, QAction* exportAction, QWidget* parent = nullptr);

    // Endpoint choice (also what the combo boxes do). favourite: index into favourites().
    void setEndpoint(int which, Source source, int seedOrFavourite = 0);
    void setSteps(int steps);
    void setSpherical(bool spherical);
    // Computes the N latents now and asks the worker for their thumbnails (stripReady follows).
    bool buildStrip();
    // Shows the blend at t in the 3D view (final resolution unless interactive).
    void showBlend(double t, bool interactive = false);
    // Makes step i the current design (undoable); exportStep also opens File > Export once the
    // step's full-resolution mesh is shown.
    void selectStep(int index);
    void exportStep(int index);

    const std::vector<ml::Latent>& stepLatents() const { return latents_; }
    const QList<QImage>& thumbnails() const { return thumbnails_; }
    // Separate bodies each step decodes to (1: one part); the strip marks the others.
    const std::vector<int>& stepBodies() const { return bodies_; }
    QToolButton* stepButton(int index) const { return stripButtons_.value(index); }
    ml::Latent endpointLatent(int which) const;
    // Its size (millimetres per model unit): a favourite's own, else the current design's. The
    // steps grow geometrically from A's size to B's, as the CLI blends two encoded meshes.
    double endpointScale(int which) const;
    double stepScale(int index) const;
    QString statusText() const;
    // Set by buildStrip when A and B resemble different families: their blends are hybrids, and
    // measured on shapes-default a third of cross-family midpoints split into separate parts
    // (within a family, none did). Empty otherwise.
    QString blendNote() const { return blendNote_; }

Q_SIGNALS:
    void stripReady();

private:
    struct Endpoint {
        QComboBox* source = nullptr;
        QSpinBox* seed = nullptr;
    };
    void refreshSources();
    void onThumbnails(const ThumbnailStrip& strip);
    void onShapeDecoded(const DecodedShape& shape);
    ml::Latent blend(double t) const;
    double blendScale(double t) const;
    // Sets the status line, followed by the blend note while there is one.
    void showStatus(const QString& text);

    ShapeExplorer* explorer_;
    QAction* exportAction_;
    Endpoint endpoints_[2];
    QSpinBox* stepsSpin_;
    QComboBox* modeCombo_;
    QHBoxLayout* stripLayout_;
    QList<QToolButton*> stripButtons_;
    QSlider* tSlider_;
    QLabel* tLabel_;
    QSpinBox* exportStepSpin_;
    QLabel* statusLabel_;
    ml::Latent a_, b_;
    double scaleA_ = 1, scaleB_ = 1;
    QString blendNote_;
    std::vector<ml::Latent> latents_;
    QList<QImage> thumbnails_;
    std::vector<int> bodies_;
    quint64 stripRequest_ = 0;
    int tDragSerial_ = 0;
    bool exportWhenShown_ = false;
    ml::Latent exportLatent_;
};

}  // namespace lf::ui
