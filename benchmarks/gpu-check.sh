#!/usr/bin/env bash
# On a machine with a real GPU: checks that Dawn can see it (a Vulkan ICD for the GPU), then runs
# the webgpu tests and benchmarks. `bash benchmarks/gpu-check.sh` after `npm ci`.
set -uo pipefail
cd "$(dirname "$0")/.."
nvidia-smi -L 2>/dev/null || echo "nvidia-smi: not found"
icd=""
for f in /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do [ -f "$f" ] && icd="$f"; done
if [ -z "$icd" ]; then
  echo "warning: no NVIDIA Vulkan ICD (nvidia_icd.json): Dawn will not see the GPU and falls back to SwiftShader"
else
  export VK_ICD_FILENAMES="$icd"
fi
REQUIRE_WEBGPU=1 npx vitest run tests/webgpu.test.ts tests/webgpu-ops.test.ts tests/webgpu-routines.test.ts tests/backend-parity.test.ts
npx tsx benchmarks/webgpu.ts
