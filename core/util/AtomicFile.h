#pragma once
// Atomic file replacement: content is written to a temporary sibling, flushed to disk and
// renamed over the target, so a failed or interrupted write never damages an existing file.
#include <filesystem>
#include <functional>
#include <string_view>

namespace lf {

// Calls writer(tempPath), then fsyncs and renames tempPath onto target. If writer throws, or
// leaves no file, or any step fails, the temporary is removed, target is left untouched and
// lf::Error is thrown naming target and the cause.
void writeFileAtomically(const std::filesystem::path& target,
                         const std::function<void(const std::filesystem::path& tempPath)>& writer);
// The same with `contents` as the whole file (text or bytes); a short write (disk full) throws.
void writeFileAtomically(const std::filesystem::path& target, std::string_view contents);

}  // namespace lf
