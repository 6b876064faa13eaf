#include "ui/reactions/ExportMeshReaction.h"

#include "ui/MeshDocument.h"
#include "ui/MeshExportJob.h"
#include "ui/Preferences.h"
#include "ui/dialogs/ExportDialog.h"

#include <QAction>
#include <QFileInfo>

namespace lf::ui {

ExportMeshReaction::ExportMeshReaction(QAction* action, MeshDocument* document,
                                       Preferences* preferences, QWidget* dialogParent)
    : Reaction(action),
      document_(document),
      preferences_(preferences),
      dialogParent_(dialogParent),
      job_(new MeshExportJob(this))
{
    connect(document_, &MeshDocument::meshChanged, this, &ExportMeshReaction::updateEnabled);
    connect(job_, &MeshExportJob::started, this, &ExportMeshReaction::updateEnabled);
    connect(job_, &MeshExportJob::finished, this, [this](const QString& path) {
        updateEnabled();
        Q_EMIT exportFinished(path);
    });
    connect(job_, &MeshExportJob::failed, this, [this](const QString& path, const QString& m) {
        updateEnabled();
        Q_EMIT exportFailed(path, m);
    });
    updateEnabled();
}

void ExportMeshReaction::updateEnabled()
{
    action()->setEnabled(document_->mesh() != nullptr && !job_->busy());
}

void ExportMeshReaction::onTriggered()
{
    if (!document_->mesh()) return;
    ExportDialog dialog(dialogParent_);
    QString baseName = QFileInfo(document_->displayName()).completeBaseName();
    if (baseName.isEmpty()) baseName = QStringLiteral("mesh");
    dialog.setInitialChoice(preferences_->lastExportDir() + QLatin1Char('/') + baseName,
                            preferences_->exportFormat(), preferences_->exportUnit(),
                            preferences_->exportUpAxis());
    if (const auto& report = document_->report())
        dialog.setFacingInward(report->shellsFacingInward, report->insideOut);
    if (dialog.exec() != QDialog::Accepted) return;
    exportTo(dialog.settings());
}

bool ExportMeshReaction::exportTo(const ExportSettings& settings)
{
    auto mesh = document_->mesh();
    if (!mesh || job_->busy() || settings.path.isEmpty()) return false;
    preferences_->setLastExportDir(QFileInfo(settings.path).absolutePath());
    preferences_->setExportFormat(settings.format);
    preferences_->setExportUnit(settings.unit);
    preferences_->setExportUpAxis(settings.up);
    job_->start(std::move(mesh), settings);
    return true;
}

}  // namespace lf::ui
