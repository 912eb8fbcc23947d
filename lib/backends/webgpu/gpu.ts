/**
 * Finding a WebGPU device: `navigator.gpu` in browsers; in Node the optional `webgpu` package
 * (Dawn), loaded on demand. On Linux without a GPU, Dawn runs on SwiftShader, the Vulkan CPU
 * driver that Debian's `chromium` package ships with its own Vulkan loader: both are found here,
 * so nothing has to be set before Node starts.
 */

/** What was found, for `backendInfo('webgpu')` and error messages. */
export interface AdapterInfo {
  /** The adapter's vendor, as GPUAdapterInfo reports it ('' when it does not say). */
  readonly vendor: string;
  /** The adapter's GPU family or architecture, as GPUAdapterInfo reports it ('' when it does not say). */
  readonly architecture: string;
  /** The adapter's device name or id, as GPUAdapterInfo reports it ('' when it does not say). */
  readonly device: string;
  /** The adapter's driver description, as GPUAdapterInfo reports it ('' when it does not say). */
  readonly description: string;
  /** True where the adapter is a CPU emulation (SwiftShader): right, but slow. */
  readonly software: boolean;
}

/** An opened WebGPU device, with the adapter it came from. */
export interface GpuContext {
  /** The device, opened with the adapter's largest storage and workgroup limits. */
  readonly device: GPUDevice;
  /** The adapter the device was requested from. */
  readonly adapter: GPUAdapter;
  /** What the adapter says about itself. */
  readonly info: AdapterInfo;
  /** The `webgpu` package's GPU object in Node: Dawn crashes if it is collected while in use. */
  readonly keepAlive: unknown;
}

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const CHROMIUM_VULKAN = '/usr/lib/chromium/libvulkan.so.1';
const SYSTEM_VULKAN = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1', '/usr/lib64/libvulkan.so.1', '/usr/lib/libvulkan.so.1'];

const HOW = "On Linux without a GPU, install Debian's chromium package (it ships the SwiftShader Vulkan driver): apt-get install -y chromium libvulkan1. In Node, install the 'webgpu' package: npm install webgpu. In a browser, use one with WebGPU enabled (Chromium: --enable-unsafe-webgpu).";

/**
 * The Node built-ins that {@link provideVulkan} needs, passed in rather than imported so that
 * browser bundles never reach a `node:` module: `{ fs, os, isMainThread }` from `node:fs`,
 * `node:os` and `node:worker_threads`.
 */
export interface NodeModules {
  /** `node:fs`: looks for GPU device nodes and the SwiftShader and Vulkan loader files. */
  fs: typeof import('node:fs');
  /** `node:os`: its dlopen flags load Chromium's Vulkan loader. */
  os: typeof import('node:os');
  /** False in a worker thread, whose process.env is its own copy: Dawn never sees it. */
  isMainThread: boolean;
}

async function nodeModules(): Promise<NodeModules> {
  const [fs, os, wt] = await Promise.all([import('node:fs'), import('node:os'), import('node:worker_threads')]);
  return { fs, os, isMainThread: wt.isMainThread };
}

/** Whether the machine shows a GPU device node (DRM render node or NVIDIA's). */
function hasGpuDevice({ fs }: NodeModules): boolean {
  const dri = fs.existsSync('/dev/dri') && fs.readdirSync('/dev/dri').some((f) => f.startsWith('renderD'));
  return dri || fs.existsSync('/dev/nvidia0');
}

/** Points the Vulkan loader at SwiftShader (read when Dawn creates its Vulkan instance). */
function useSwiftShader({ fs }: NodeModules): boolean {
  if (process.env.VK_ICD_FILENAMES || !fs.existsSync(SWIFTSHADER_ICD)) return false;
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  return true;
}

/**
 * Makes Dawn find a Vulkan driver on a Linux machine without a GPU: SwiftShader's ICD (Mesa's
 * ICDs may be installed without hardware, and Dawn rejects lavapipe), and Chromium's Vulkan
 * loader when the system has none, loaded into the process and kept (RTLD_NODELETE) so Dawn's
 * own dlopen finds it by soname.
 */
export function provideVulkan(mods: NodeModules): void {
  const { fs, os } = mods;
  if (process.platform !== 'linux') return;
  if (!hasGpuDevice(mods)) useSwiftShader(mods);
  if (SYSTEM_VULKAN.some((p) => fs.existsSync(p)) || !fs.existsSync(CHROMIUM_VULKAN)) return;
  const flags = os.constants.dlopen as Record<string, number | undefined>;
  try {
    process.dlopen({ exports: {} }, CHROMIUM_VULKAN, (flags.RTLD_NOW ?? 0) | (flags.RTLD_GLOBAL ?? 0) | (flags.RTLD_NODELETE ?? 0));
  } catch {
    // Not a Node addon, so dlopen "fails" after loading it; RTLD_NODELETE keeps it loaded.
  }
}

interface WebGpuPackage {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

/** Dawn's GPU object in Node, and a retry with SwiftShader when the first finds no adapter. */
async function nodeGpu(): Promise<{ gpu: GPU; retry?: () => GPU }> {
  const mods = await nodeModules();
  provideVulkan(mods);
  let pkg: WebGpuPackage;
  try {
    pkg = (await import(/* @vite-ignore */ 'webgpu' as string)) as WebGpuPackage;
  } catch (e) {
    throw new Error(`init('webgpu'): the optional 'webgpu' package (Dawn for Node) could not be loaded (${(e as Error).message}). ${HOW}`);
  }
  // Dawn's GPUBufferUsage / GPUMapMode / GPUShaderStage constants are not globals in Node.
  for (const [k, v] of Object.entries(pkg.globals)) if (!(k in globalThis)) Object.defineProperty(globalThis, k, { value: v, configurable: true, writable: true });
  const retry = () => (process.platform === 'linux' && useSwiftShader(mods) ? pkg.create([]) : undefined);
  return { gpu: pkg.create([]), retry: retry as () => GPU };
}

function describe(a: GPUAdapter): AdapterInfo {
  const i = a.info;
  const vendor = i?.vendor ?? '';
  const architecture = i?.architecture ?? '';
  const device = i?.device ?? '';
  const description = i?.description ?? '';
  const text = `${vendor} ${architecture} ${device} ${description}`.toLowerCase();
  return { vendor, architecture, device, description, software: /swiftshader|llvmpipe|lavapipe|software/.test(text) || (i as { isFallbackAdapter?: boolean })?.isFallbackAdapter === true };
}

/** Opens the first adapter's device with the largest storage limits it offers. */
export async function openGpu(): Promise<GpuContext> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  const isNode = typeof process !== 'undefined' && !!process.versions?.node;
  const found = nav?.gpu ? { gpu: nav.gpu, retry: undefined } : isNode ? await nodeGpu() : undefined;
  if (!found) throw new Error(`init('webgpu'): this environment has no navigator.gpu. ${HOW}`);
  let gpu = found.gpu;
  let adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  const again = !adapter && found.retry?.();
  if (again) {
    gpu = again;
    adapter = await gpu.requestAdapter();
  }
  if (!adapter) {
    const worker = isNode && !(await nodeModules()).isMainThread
      ? ` In a worker thread, set VK_ICD_FILENAMES=${SWIFTSHADER_ICD} before Node starts (or call provideVulkan in the main thread): a worker's process.env is its own copy, which Dawn does not see.`
      : '';
    throw new Error(`init('webgpu'): no WebGPU adapter was found. ${HOW}${worker}`);
  }
  const l = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
    },
  });
  return { device, adapter, info: describe(adapter), keepAlive: gpu };
}
