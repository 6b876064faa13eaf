#pragma once
// File > Export: the export dialog (format, STL encoding, unit), then a background write.
#include "ui/ExportSettings.h"
#include "ui/reactions/Reaction.h"

class QWidget;

namespace lf::ui {

class MeshDocument;
class MeshExportJob;
class Preferences;

class ExportMeshReaction : public Reaction {
    Q_OBJECT
public:
    ExportMeshReaction(QAction* action, MeshDocument* document, Preferences* preferences,
                       QWidget* dialogParent);

    // The code path after the dialog: remembers the choices and starts the write.
    // Returns false (and writes nothing) when there is no mesh or an export is running.
    bool exportTo(const ExportSettings& settings);
    MeshExportJob* job() const { return job_; }

Q_SIGNALS:
    void exportFinished(const QString& path);
    void exportFailed(const QString& path, const QString& message);

protected:
    void onTriggered() override;

private:
    void updateEnabled();

    MeshDocument* document_;
    Preferences* preferences_;
    QWidget* dialogParent_;
    MeshExportJob* job_;
};

}  // namespace lf::ui
