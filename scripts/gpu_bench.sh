#!/usr/bin/env sh
# The WebGPU benchmarks (bench/webgpu.ts) on a real GPU, e.g. an H100, through Deno's WebGPU
# (wgpu) over Vulkan: matmul GFLOP/s at 1024, 2048, 4096 (kernel versions 1, 2 and 3), the
# ttfs-fc2 twin step in images/s on ref, wasm and webgpu (kernel versions 3, 2, 1), and the
# lif-mlp SAF-E and OTTT_O steps on webgpu beside the wasm core (bench/lif_webgpu.ts).
#
# Needs the NVIDIA driver's Vulkan ICD (check: `vulkaninfo --summary` lists the GPU; if not,
# install libvulkan1 and the driver's Vulkan package, e.g. libnvidia-gl-<version>). Without it
# wgpu falls back to llvmpipe (a CPU), which the script refuses unless ALLOW_FALLBACK=1.
#
# Usage: scripts/gpu_bench.sh [sizes]      e.g. scripts/gpu_bench.sh 1024,2048,4096
set -eu
cd "$(dirname "$0")/.."
export DENO_WEBGPU_BACKEND="${DENO_WEBGPU_BACKEND:-vulkan}"
export SPIKEPROOF_GPU_SIZES="${1:-${SPIKEPROOF_GPU_SIZES:-1024,2048,4096}}"
export SPIKEPROOF_GPU_STEPS="${SPIKEPROOF_GPU_STEPS:-50}"
DENO=./node_modules/deno/deno
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=name,driver_version --format=csv
ADAPTER=$($DENO eval 'const a = await navigator.gpu?.requestAdapter({ powerPreference: "high-performance" }); console.log(a ? `${a.info.description} fallback=${a.info.isFallbackAdapter}` : "none")')
echo "adapter: $ADAPTER"
case "$ADAPTER" in
  none | *fallback=true*)
    if [ "${ALLOW_FALLBACK:-0}" != 1 ]; then
      echo "no hardware WebGPU adapter (set ALLOW_FALLBACK=1 to run on it anyway)" >&2
      exit 1
    fi
    ;;
esac
uptime
$DENO run -A bench/webgpu.ts
$DENO run -A bench/lif_webgpu.ts
