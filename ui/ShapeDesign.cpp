#include "ui/ShapeDesign.h"

#include "ui/commands/SetDesignCommand.h"

#include <QUndoStack>

namespace lf::ui {

ShapeDesign::ShapeDesign(QObject* parent) : QObject(parent), undoStack_(new QUndoStack(this)) {}

ShapeDesign::~ShapeDesign() = default;

void ShapeDesign::setSpace(const ml::LatentDirections& directions, int latentSize)
{
    directions_ = directions;
    latentSize_ = latentSize;
    undoStack_->clear();
    state_ = DesignState{meanLatent(), 1.0, 0};
    Q_EMIT spaceChanged();
    Q_EMIT changed(false);
}

ml::Latent ShapeDesign::meanLatent() const
{
    if (directions_.mean.size() == std::size_t(latentSize_)) return directions_.mean;
    return ml::Latent(std::size_t(latentSize_), 0.0f);  // the prior's mean
}

ml::Latent ShapeDesign::effectiveLatent() const
{
    if (state_.psi == 1.0) return state_.latent;
    return ml::truncate(state_.latent, meanLatent(), state_.psi);
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
    DesignState next = state_;
    next.seed = seed;
    next.latent = ml::sampleLatent(seed, latentSize_);
    apply(next, tr("Seed %1").arg(seed));
}

void ShapeDesign::setPsi(double psi)
{
    DesignState next = state_;
    next.psi = psi;
    apply(next, tr("Truncation %1").arg(psi, 0, 'f', 2));
}

void ShapeDesign::setLatent(const ml::Latent& latent, const QString& text)
{
    DesignState next = state_;
    next.latent = latent;
    next.psi = 1.0;  // the latent is taken as is
    apply(next, text);
}

void ShapeDesign::reset()
{
    DesignState next{meanLatent(), 1.0, state_.seed};
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
