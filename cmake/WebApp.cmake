# The browser app: Dear ImGui (fetched by scripts/setup.sh) + ui + platform/web,
# linked to edudesk.js + edudesk.wasm and assembled with the page, the font subset
# and web/ into ${CMAKE_BINARY_DIR}/web, which `edudesk serve` serves.
set(IMGUI_DIR "${EDUDESK_DEPS_DIR}/imgui")
if(NOT EXISTS "${IMGUI_DIR}/imgui.cpp")
  message(FATAL_ERROR "Dear ImGui source is missing in ${IMGUI_DIR}: run scripts/setup.sh first")
endif()

add_library(imgui STATIC
  ${IMGUI_DIR}/imgui.cpp ${IMGUI_DIR}/imgui_draw.cpp ${IMGUI_DIR}/imgui_tables.cpp ${IMGUI_DIR}/imgui_widgets.cpp
  ${IMGUI_DIR}/backends/imgui_impl_opengl3.cpp ${IMGUI_DIR}/misc/cpp/imgui_stdlib.cpp)
target_include_directories(imgui SYSTEM PUBLIC ${IMGUI_DIR} ${IMGUI_DIR}/backends)
# The test-engine hooks publish every widget's label and rectangle (ui/widget_registry.cpp).
target_compile_definitions(imgui PUBLIC IMGUI_ENABLE_TEST_ENGINE IMGUI_DISABLE_DEMO_WINDOWS IMGUI_USE_WCHAR32
                                        IMGUI_DISABLE_DEBUG_TOOLS IMGUI_DISABLE_OBSOLETE_FUNCTIONS)

file(GLOB UI_SOURCES CONFIGURE_DEPENDS src/ui/*.cpp)
file(GLOB WEB_SOURCES CONFIGURE_DEPENDS src/platform/web/*.cpp)
add_executable(edudesk_web ${UI_SOURCES} ${WEB_SOURCES})
target_link_libraries(edudesk_web PRIVATE edudesk_app imgui)
target_compile_options(edudesk_web PRIVATE -Wall -Wextra)
set_target_properties(edudesk_web PROPERTIES OUTPUT_NAME edudesk RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/web)
# WebGL2, and WebGL1 where a browser lacks it (src/platform/web/main_web.cpp picks the shaders).
target_link_options(edudesk_web PRIVATE
  -sMIN_WEBGL_VERSION=1 -sMAX_WEBGL_VERSION=2 -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=33554432
  -sENVIRONMENT=web -sFILESYSTEM=0 -sEXPORTED_RUNTIME_METHODS=[ccall,UTF8ToString]
  -sEXPORTED_FUNCTIONS=[_main,_malloc,_free])
# -Os for the app; ImGui and the core are compiled with the build type's flags.
target_compile_options(edudesk_web PRIVATE -Os)
target_link_options(edudesk_web PRIVATE -Os)

# The page, the static web files and the CJK font subset next to edudesk.js.
add_custom_command(TARGET edudesk_web POST_BUILD
  COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_SOURCE_DIR}/shell/index.html ${CMAKE_BINARY_DIR}/web/index.html
  COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_SOURCE_DIR}/web/manifest.webmanifest ${CMAKE_SOURCE_DIR}/web/icon.svg
          ${CMAKE_SOURCE_DIR}/web/embed.js ${CMAKE_SOURCE_DIR}/web/portal.html ${CMAKE_BINARY_DIR}/web/)

# The base font (what the UI and common text need), and the face's other characters as
# chunks of 256 code points in fonts/more/, fetched when the data holds one of them.
set(FONT_OUT ${CMAKE_BINARY_DIR}/web/fonts/edudesk-sc.otf)
set(FONT_SRC /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc)
add_custom_command(
  OUTPUT ${FONT_OUT}
  COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/scripts/make_font_subset.py --font ${FONT_SRC} --out ${FONT_OUT}
          --chunks-dir ${CMAKE_BINARY_DIR}/web/fonts/more
          --text-from ${I18N_JSON} ${CMAKE_SOURCE_DIR}/src/core/demo.cpp
  DEPENDS ${CMAKE_SOURCE_DIR}/scripts/make_font_subset.py ${I18N_JSON} ${CMAKE_SOURCE_DIR}/src/core/demo.cpp
  COMMENT "Subsetting the CJK font")
add_custom_target(edudesk_font ALL DEPENDS ${FONT_OUT})
add_dependencies(edudesk_web edudesk_font)

# The service worker's version is a hash of what it caches.
set(WEB_OUT ${CMAKE_BINARY_DIR}/web)
add_custom_command(TARGET edudesk_web POST_BUILD
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/scripts/gen_sw.py ${CMAKE_SOURCE_DIR}/web/sw.js.in ${WEB_OUT}/sw.js
          ${WEB_OUT}/index.html ${WEB_OUT}/edudesk.js ${WEB_OUT}/edudesk.wasm ${FONT_OUT} ${WEB_OUT}/embed.js
  COMMENT "Writing the service worker")

# The download budget (issue 8), measured and printed on every build: what a first visit
# fetches before the first interactive frame (page, JS, WASM, service worker, manifest, icon)
# at most 1.5 MB and the fonts fetched after it at most 2.5 MB, gzip-compressed; over budget
# fails the build. It also writes the .br/.gz siblings `edudesk serve` sends.
add_custom_target(edudesk_web_budget ALL
  COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/scripts/web_budget.py --web ${WEB_OUT}
          --json ${CMAKE_BINARY_DIR}/web_budget.json
  USES_TERMINAL VERBATIM)
add_dependencies(edudesk_web_budget edudesk_web edudesk_font)

# The C++ benchmarks as WASM under node, the same sources as their native twins (bench/CMakeLists.txt);
# not built by default. `bench/run.sh …` runs node build/wasm/NAME.js. NODERAWFS lets a benchmark
# read its input file and /proc/self/status.
function(edudesk_node_bench name source)
  add_executable(${name} ${CMAKE_SOURCE_DIR}/bench/${source})
  target_link_libraries(${name} PRIVATE edudesk_core)
  target_compile_options(${name} PRIVATE -Wall -Wextra)
  target_link_options(${name} PRIVATE -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=4GB -sENVIRONMENT=node
                      -sEXIT_RUNTIME=1 -sNODERAWFS=1)
  set_target_properties(${name} PROPERTIES EXCLUDE_FROM_ALL TRUE)
endfunction()
edudesk_node_bench(edudesk_survey_bench survey_stats_bench.cpp)         # bench/run.sh survey
edudesk_node_bench(edudesk_analytics_bench analytics/analytics_bench.cpp) # bench/analytics/run.sh
edudesk_node_bench(edudesk_dashboard_bench dashboard/dashboard_bench.cpp) # bench/dashboard/run.sh
edudesk_node_bench(edudesk_snapshot_bench snapshot/snapshot_bench.cpp)    # bench/snapshot/run.sh
edudesk_node_bench(edudesk_search_bench search_bench.cpp)                 # bench/run.sh search
