#include "ui/commands/SetDesignCommand.h"

namespace lf::ui {

SetDesignCommand::SetDesignCommand(ShapeDesign* design, DesignState before, DesignState after,
                                   const QString& text, int mergeKey, int mergeSerial,
                                   bool interactive)
    : QUndoCommand(text),
      design_(design),
      before_(std::move(before)),
      after_(std::move(after)),
      mergeKey_(mergeKey),
      mergeSerial_(mergeSerial),
      interactive_(interactive)
{
}

void SetDesignCommand::undo()
{
    design_->restore(before_, false);
}

void SetDesignCommand::redo()
{
    design_->restore(after_, interactive_);
    interactive_ = false;  // redo after an undo: decode at full resolution
}

int SetDesignCommand::id() const
{
    return mergeKey_ < 0 ? -1 : kMergeIdBase + mergeKey_;
}

bool SetDesignCommand::mergeWith(const QUndoCommand* other)
{
    if (other->id() != id()) return false;
    const auto* next = static_cast<const SetDesignCommand*>(other);
    if (next->mergeSerial_ != mergeSerial_) return false;  // another drag: its own undo step
    after_ = next->after_;
    return true;
}

}  // namespace lf::ui
