# Every third-party package comes from Debian bookworm (scripts/install-deps.sh installs them).
find_package(Threads REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(Torch REQUIRED)
# libcrypto: SHA-256 of model weights (lf_core_base, so the torch-only build needs it too).
find_package(OpenSSL REQUIRED COMPONENTS Crypto)

if(LF_TORCH_ONLY)
  return()
endif()

find_package(CLI11 REQUIRED)
find_package(assimp REQUIRED)
find_package(Open3D REQUIRED)
# VTK's config references MPI::MPI_C, which only exists after this (and needs the C language).
find_package(MPI REQUIRED COMPONENTS C)
# Never the Qt modules (GUISupportQt, RenderingQt, ViewsQt): Debian builds them against Qt 5.
find_package(VTK 9 REQUIRED COMPONENTS
  CommonCore CommonDataModel CommonExecutionModel
  FiltersCore FiltersGeneral FiltersSources FiltersModeling
  ImagingCore
  RenderingCore RenderingOpenGL2 RenderingAnnotation RenderingFreeType
  InteractionStyle)
find_package(Qt6 6.4 REQUIRED COMPONENTS Core Gui Widgets OpenGL OpenGLWidgets Concurrent Test)
