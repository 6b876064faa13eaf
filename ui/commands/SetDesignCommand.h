#pragma once
// One edit of the shape design (slider, seed, psi, paste, encode, interpolation step). Slider
// drags merge into one command: same key (the slider) and same serial (the drag).
#include "ui/ShapeDesign.h"

#include <QUndoCommand>

namespace lf::ui {

class SetDesignCommand : public QUndoCommand {
public:
    static constexpr int kMergeIdBase = 0x5d00;

    SetDesignCommand(ShapeDesign* design, DesignState before, DesignState after,
                     const QString& text, int mergeKey, int mergeSerial, bool interactive);

    void undo() override;
    void redo() override;
    int id() const override;
    bool mergeWith(const QUndoCommand* other) override;

private:
    ShapeDesign* design_;
    DesignState before_;
    DesignState after_;
    int mergeKey_;
    int mergeSerial_;
    bool interactive_;  // only the first redo (the edit itself) may be interactive
};

}  // namespace lf::ui
