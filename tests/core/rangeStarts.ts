/** Start points for the f16 range tests, in general position: none on a ray where the gradient cancels. */
export const GENERAL_STARTS: readonly [number, number][] = [
  [-0.7, 0.7],
  [1, 0.3],
  [0.3, -1.5],
  [2, 2],
  [-1.2, -0.4],
];
