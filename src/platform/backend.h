#pragma once
// The narrow interface between the app and the machine it runs on (Tracy's
// Backend.hpp shape). One implementation per target: platform/web/*.cpp today.
#include <cstdint>
#include <string>

namespace edudesk::platform {

// Input, IME bridge and clipboard on the canvas `selector`; call after ImGui::CreateContext.
void backend_init(const char* canvas_selector);
// Before ImGui::NewFrame: sizes the canvas to its container × devicePixelRatio and
// feeds the display size. Returns true when the frame must be drawn (input arrived,
// size changed, or a redraw was requested): idle frames cost nothing.
bool backend_new_frame();
// After ImGui::Render: keeps the hidden IME field where ImGui's caret is.
void backend_end_frame();
// Asks for `frames` more drawn frames (data arrived, a timer fired, an animation runs).
void request_redraw(int frames = 5);
float device_pixel_ratio();

int64_t now_ms();  // wall clock, UTC ms

}  // namespace edudesk::platform
