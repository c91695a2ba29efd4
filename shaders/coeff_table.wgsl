// The loss as a coefficient table, for kernels that must not be recompiled when the loss changes (the
// field kernel behind the heatmap). Row h holds (k·a_k, k·b_k, a_k, b_k) for harmonic k = h + 1.

// Number of harmonics: a pipeline constant, so the loop bound is known to the compiler.
override HARMONICS: u32 = 1u;

@group(0) @binding(1) var<uniform> loss_coeffs: array<vec4<f32>, 64>;
