/**
 * Finding a WebGPU device: `navigator.gpu` in browsers; in Node the optional `webgpu` package
 * (Dawn), loaded on demand. On Linux without a GPU, Dawn runs on SwiftShader, the Vulkan CPU
 * driver that Debian's `chromium` package ships with its own Vulkan loader: both are found here,
 * so nothing has to be set before Node starts.
 */

/** What was found, for `backendInfo('webgpu')` and error messages. */
export interface AdapterInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** True where the adapter is a CPU emulation (SwiftShader): right, but slow. */
  readonly software: boolean;
}

export interface GpuContext {
  readonly device: GPUDevice;
  readonly adapter: GPUAdapter;
  readonly info: AdapterInfo;
  /** The `webgpu` package's GPU object in Node: Dawn crashes if it is collected while in use. */
  readonly keepAlive: unknown;
}

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const CHROMIUM_VULKAN = '/usr/lib/chromium/libvulkan.so.1';
const SYSTEM_ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
const SYSTEM_VULKAN = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1', '/usr/lib64/libvulkan.so.1', '/usr/lib/libvulkan.so.1'];

const HOW = "On Linux without a GPU, install Debian's chromium package (it ships the SwiftShader Vulkan driver): apt-get install -y chromium libvulkan1. In Node, install the 'webgpu' package: npm install webgpu. In a browser, use one with WebGPU enabled (Chromium: --enable-unsafe-webgpu).";

interface NodeModules {
  fs: typeof import('node:fs');
  os: typeof import('node:os');
}

async function nodeModules(): Promise<NodeModules> {
  const [fs, os] = await Promise.all([import('node:fs'), import('node:os')]);
  return { fs, os };
}

/**
 * Makes Dawn find a Vulkan driver on a Linux machine without one of its own: SwiftShader's ICD
 * when no system ICD is installed, and Chromium's Vulkan loader, loaded into the process (and
 * kept: RTLD_NODELETE) when the system has none, so Dawn's own dlopen finds it by soname.
 */
function provideVulkan({ fs, os }: NodeModules): void {
  if (process.platform !== 'linux') return;
  const hasIcd = SYSTEM_ICD_DIRS.some((d) => fs.existsSync(d) && fs.readdirSync(d).some((f) => f.endsWith('.json')));
  if (!process.env.VK_ICD_FILENAMES && !hasIcd && fs.existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  if (SYSTEM_VULKAN.some((p) => fs.existsSync(p)) || !fs.existsSync(CHROMIUM_VULKAN)) return;
  const flags = os.constants.dlopen;
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

async function nodeGpu(): Promise<GPU> {
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
  return pkg.create([]);
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
  const gpu = nav?.gpu ?? (isNode ? await nodeGpu() : undefined);
  if (!gpu) throw new Error(`init('webgpu'): this environment has no navigator.gpu. ${HOW}`);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error(`init('webgpu'): no WebGPU adapter was found. ${HOW}`);
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
