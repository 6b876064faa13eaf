#pragma once
// The design being edited in a shape model's latent space: the latent code, the truncation psi
// and the seed it came from. Every edit goes through the undo stack (one per window/document),
// so undo/redo and the panels stay in sync through one signal.
#include "core/geometry/ShapeMeshing.h"
#include "core/ml/LatentMath.h"
#include "core/ml/LatentPrior.h"

#include <QObject>
#include <QString>

#include <cstdint>
#include <string>
#include <vector>

class QUndoStack;

namespace lf::ui {

struct DesignState {
    ml::Latent latent;              // before truncation
    double psi = 1.0;               // truncation towards truncationCentre() (1: none)
    std::uint64_t seed = 0;         // seed of the last sampled latent (shown, reproducible)
    // The prior family the design came from (seed or family jump); psi pulls towards its mean.
    // -1: none (pasted latent, no prior): psi pulls towards the model's mean latent.
    int family = -1;
    // Millimetres per model unit: the size the design is shown, reported and exported at. Kept
    // by seeds, sliders and resets; an encoded mesh brings its own.
    double scale = kDefaultDesignScale;
    bool operator==(const DesignState&) const = default;
};

class ShapeDesign : public QObject {
    Q_OBJECT
public:
    explicit ShapeDesign(QObject* parent = nullptr);
    ~ShapeDesign() override;

    QUndoStack* undoStack() const { return undoStack_; }

    // A new latent space (model loaded): the state becomes startState() and the undo history is
    // cleared (its latents mean nothing in another model).
    void setSpace(const ml::LatentDirections& directions, int latentSize, const ml::LatentPrior& prior = {});
    // Where a model starts and Reset returns: with a latent prior, its first family's typical
    // shape (the mean of all codes lies between the families and can decode to nothing); else the
    // mean latent.
    DesignState startState() const;
    // The size startState() has (the last session's, from the preferences); not an edit.
    void setStartScale(double scale);
    // The latent a seed names at the current psi (ml::seededLatent's rule, so the CLI's
    // `sample --seed S --psi P` gives the same shape).
    ml::Latent latentOfSeed(std::uint64_t seed) const;
    // The prior's families (none without a prior), family k's name (empty for -1 or out of
    // range), and which one a seed draws from (-1: none).
    int familyCount() const { return int(prior_.components.size()); }
    QString familyName(int k) const;
    int familyOfSeed(std::uint64_t seed) const;
    // The family any latent most resembles (likeliest prior component; -1 without a prior).
    int familyOfLatent(const ml::Latent& latent) const;
    bool hasSpace() const { return latentSize_ > 0; }
    int latentSize() const { return latentSize_; }
    const ml::LatentDirections& directions() const { return directions_; }
    ml::Latent meanLatent() const;
    ml::Latent truncationCentre(const DesignState& state) const;

    const DesignState& state() const { return state_; }
    // What gets decoded: truncate(latent, truncationCentre(state), psi).
    ml::Latent effectiveLatent() const;
    // Coordinate of the latent along PCA direction k, in standard deviations.
    double coefficient(int k) const;

    // One undoable edit. Edits with the same mergeKey (>= 0) and mergeSerial merge into one
    // undo step (a slider drag). `interactive`: more edits follow soon (decode coarse).
    void apply(const DesignState& next, const QString& text, int mergeKey = -1,
               int mergeSerial = 0, bool interactive = false);
    // Undoable edits built on apply().
    void setCoefficient(int k, double sigmas, int mergeSerial, bool interactive);
    void setSeed(std::uint64_t seed);
    // Jumps to family k's typical shape (LatentPrior::Component::typical); psi and seed stay.
    void setFamily(int k);
    void setPsi(double psi);
    void setLatent(const ml::Latent& latent, const QString& text);
    // The latent of an encoded mesh at that mesh's own size (millimetres per model unit).
    void setEncodedLatent(const ml::Latent& latent, double scale, const QString& text);
    // Sizes the design (millimetres per model unit; ignored unless positive and finite).
    void setScale(double scale);
    void reset();

    // Used by the undo commands: sets the state without recording it.
    void restore(const DesignState& state, bool interactive);
    // The interactive edits are over (slider released): ask for the final decode.
    void finishInteraction();

Q_SIGNALS:
    void changed(bool interactive);
    void spaceChanged();

private:
    QUndoStack* undoStack_;
    ml::LatentDirections directions_;
    ml::LatentPrior prior_;
    int latentSize_ = 0;
    DesignState state_;
    double startScale_ = kDefaultDesignScale;
};

}  // namespace lf::ui
