#include "ui/ShapeDesign.h"

#include "ui/commands/SetDesignCommand.h"

#include <QUndoStack>

#include <cmath>

namespace lf::ui {

ShapeDesign::ShapeDesign(QObject* parent) : QObject(parent), undoStack_(new QUndoStack(this)) {}

ShapeDesign::~ShapeDesign() = default;

namespace {
// A seed's latent before truncation and the family mean it is truncated towards.
DesignState seededState(const ml::LatentPrior& prior, std::uint64_t seed, int latentSize, DesignState state)
{
    state.seed = seed;
    if (prior.empty()) {
        state.latent = ml::sampleLatent(seed, latentSize);
        state.family = -1;
    } else {
        const ml::PriorSample sample = ml::samplePrior(prior, seed, 1.0);
        state.latent = sample.latent;
        state.family = sample.component;
    }
    return state;
}
}  // namespace

void ShapeDesign::setSpace(const ml::LatentDirections& directions, int latentSize, const ml::LatentPrior& prior)
{
    directions_ = directions;
    latentSize_ = latentSize;
    prior_ = prior.latentSize == latentSize ? prior : ml::LatentPrior{};
    if (!state_.latent.empty()) startScale_ = state_.scale;  // another model: the size stays
    undoStack_->clear();
    state_ = startState();
    Q_EMIT spaceChanged();
    Q_EMIT changed(false);
}

ml::Latent ShapeDesign::meanLatent() const
{
    if (directions_.mean.size() == std::size_t(latentSize_)) return directions_.mean;
    return ml::Latent(std::size_t(latentSize_), 0.0f);  // the prior's mean
}

DesignState ShapeDesign::startState() const
{
    if (prior_.empty()) return DesignState{meanLatent(), ml::kDefaultPsi, 0, -1, startScale_};
    return DesignState{prior_.components.front().typicalShape(), ml::kDefaultPsi, 0, 0, startScale_};
}

void ShapeDesign::setStartScale(double scale)
{
    if (scale > 0 && std::isfinite(scale)) startScale_ = scale;
}

ml::Latent ShapeDesign::truncationCentre(const DesignState& state) const
{
    if (state.family >= 0 && state.family < int(prior_.components.size()))
        return prior_.components[std::size_t(state.family)].mean;
    return meanLatent();
}

ml::Latent ShapeDesign::effectiveLatent() const
{
    if (state_.psi == 1.0) return state_.latent;
    return ml::truncate(state_.latent, truncationCentre(state_), state_.psi);
}

QString ShapeDesign::familyName(int k) const
{
    return k >= 0 && k < int(prior_.components.size()) ? QString::fromStdString(prior_.components[std::size_t(k)].name)
                                                       : QString();
}

int ShapeDesign::familyOfSeed(std::uint64_t seed) const
{
    return prior_.empty() ? -1 : ml::samplePrior(prior_, seed, 1.0).component;
}

int ShapeDesign::familyOfLatent(const ml::Latent& latent) const
{
    return ml::likeliestComponent(prior_, latent);
}

void ShapeDesign::setFamily(int k)
{
    if (k < 0 || k >= int(prior_.components.size())) return;
    DesignState next = state_;
    next.latent = prior_.components[std::size_t(k)].typicalShape();
    next.family = k;
    apply(next, tr("Family %1").arg(QString::fromStdString(prior_.components[std::size_t(k)].name)));
}

ml::Latent ShapeDesign::latentOfSeed(std::uint64_t seed) const
{
    const DesignState s = seededState(prior_, seed, latentSize_, state_);
    if (s.psi == 1.0) return s.latent;
    return ml::truncate(s.latent, truncationCentre(s), s.psi);
}

double ShapeDesign::coefficient(int k) const
{
    if (k < 0 || k >= directions_.count() || state_.latent.size() != std::size_t(latentSize_))
        return 0;
    const ml::Latent mean = meanLatent();
    const float* row = directions_.directions.data() + std::size_t(k) * std::size_t(latentSize_);
    double dot = 0;
    for (int i = 0; i < latentSize_; ++i) dot += double(state_.latent[i] - mean[i]) * row[i];
    const double sigma = directions_.sigma[std::size_t(k)];
    return sigma > 0 ? dot / sigma : 0;
}

void ShapeDesign::apply(const DesignState& next, const QString& text, int mergeKey,
                        int mergeSerial, bool interactive)
{
    if (!hasSpace() || next == state_) {
        if (!interactive) finishInteraction();
        return;
    }
    undoStack_->push(
        new SetDesignCommand(this, state_, next, text, mergeKey, mergeSerial, interactive));
}

void ShapeDesign::setCoefficient(int k, double sigmas, int mergeSerial, bool interactive)
{
    if (k < 0 || k >= directions_.count()) return;
    DesignState next = state_;
    next.latent = ml::moveAlong(state_.latent, directions_, k, sigmas - coefficient(k));
    apply(next, tr("Direction %1").arg(k + 1), k, mergeSerial, interactive);
}

void ShapeDesign::setSeed(std::uint64_t seed)
{
    apply(seededState(prior_, seed, latentSize_, state_), tr("Seed %1").arg(seed));
}

void ShapeDesign::setPsi(double psi)
{
    DesignState next = state_;
    next.psi = psi;
    apply(next, tr("Truncation %1").arg(psi, 0, 'f', 2));
}

void ShapeDesign::setLatent(const ml::Latent& latent, const QString& text)
{
    setEncodedLatent(latent, state_.scale, text);  // the latent is taken as is (psi 1), size kept
}

void ShapeDesign::setEncodedLatent(const ml::Latent& latent, double scale, const QString& text)
{
    DesignState next = state_;
    next.latent = latent;
    next.psi = 1.0;
    next.family = -1;
    if (scale > 0 && std::isfinite(scale)) next.scale = scale;
    apply(next, text);
}

void ShapeDesign::setScale(double scale)
{
    if (!(scale > 0) || !std::isfinite(scale)) return;
    DesignState next = state_;
    next.scale = scale;
    apply(next, tr("Size"));
}

void ShapeDesign::reset()
{
    DesignState next = startState();
    next.seed = state_.seed;
    next.scale = state_.scale;  // a reset is about the shape, not its size
    apply(next, tr("Reset"));
}

void ShapeDesign::restore(const DesignState& state, bool interactive)
{
    state_ = state;
    Q_EMIT changed(interactive);
}

void ShapeDesign::finishInteraction()
{
    if (hasSpace()) Q_EMIT changed(false);
}

}  // namespace lf::ui
