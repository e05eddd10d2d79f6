package enhance

import (
	"context"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// rnnoiseWasm is RNNoise (Xiph, BSD-3-Clause; licence in rnnoise.LICENSE
// beside it) compiled to WebAssembly with its model built in, exactly as
// npm's @echogarden/rnnoise-wasm 0.2.0 ships it (rnnoise.wasm, sha256
// 6b4d53ac61b7301fa150020fe529151700726b38d5954552ec043e22e93dada2).
// It runs under wazero, in Go: no C library, the same on every platform.
//
//go:embed rnnoise.wasm
var rnnoiseWasm []byte

// The module's exports are minified by Emscripten; the names below are
// read from the package's own JS glue (rnnoise.js, same version), so a
// different .wasm needs them checked again.
const (
	exMemory  = "c" // the module's memory
	exCtors   = "d" // __wasm_call_ctors
	exFrame   = "f" // rnnoise_get_frame_size() int
	exCreate  = "h" // rnnoise_create(model *RNNModel) *DenoiseState
	exDestroy = "i" // rnnoise_destroy(st)
	exProcess = "k" // rnnoise_process_frame(st, out, in *float) float (speech probability)
	exMalloc  = "l" // malloc(size) ptr
	exFree    = "j" // free(ptr)
)

// FrameSize is the samples RNNoise takes at a time: 10 ms at 48 kHz, the
// only rate it works at.
const FrameSize = 480

var (
	runtimeOnce sync.Once
	runtime     wazero.Runtime
	compiled    wazero.CompiledModule
	runtimeErr  error
)

// compile prepares the module once per process (compiled to machine code
// by wazero where it can).
func compile() (wazero.Runtime, wazero.CompiledModule, error) {
	runtimeOnce.Do(func() {
		ctx := context.Background()
		rt := wazero.NewRuntime(ctx)
		_, err := rt.NewHostModuleBuilder("a").
			NewFunctionBuilder().WithFunc(resizeHeap).Export("a").
			NewFunctionBuilder().WithFunc(memcpy).Export("b").
			Instantiate(ctx)
		if err != nil {
			runtimeErr = err
			return
		}
		cm, err := rt.CompileModule(ctx, rnnoiseWasm)
		if err != nil {
			runtimeErr = err
			return
		}
		runtime, compiled = rt, cm
	})
	return runtime, compiled, runtimeErr
}

// resizeHeap is emscripten_resize_heap: grow the memory to requested bytes.
func resizeHeap(_ context.Context, m api.Module, requested uint32) uint32 {
	mem := m.Memory()
	if requested <= mem.Size() {
		return 1
	}
	if _, ok := mem.Grow((requested - mem.Size() + 65535) / 65536); !ok {
		return 0
	}
	return 1
}

// memcpy is _emscripten_memcpy_js (memory.copy within the module).
func memcpy(_ context.Context, m api.Module, dst, src, n uint32) {
	mem := m.Memory()
	b, ok := mem.Read(src, n)
	if !ok {
		return
	}
	tmp := append([]byte(nil), b...)
	mem.Write(dst, tmp)
}

// denoiser is one RNNoise state (one channel) in its own module instance.
type denoiser struct {
	mod          api.Module
	process      api.Function
	st, in, out  uint32
	frame        []byte // FrameSize float32s, little endian
	destroy, fre api.Function
}

func newDenoiser(ctx context.Context) (*denoiser, error) {
	rt, cm, err := compile()
	if err != nil {
		return nil, fmt.Errorf("start noise suppression: %w", err)
	}
	mod, err := rt.InstantiateModule(ctx, cm, wazero.NewModuleConfig().WithName("").WithStartFunctions())
	if err != nil {
		return nil, fmt.Errorf("start noise suppression: %w", err)
	}
	d := &denoiser{mod: mod, process: mod.ExportedFunction(exProcess),
		destroy: mod.ExportedFunction(exDestroy), fre: mod.ExportedFunction(exFree),
		frame: make([]byte, 4*FrameSize)}
	if err := d.init(ctx); err != nil {
		mod.Close(ctx)
		return nil, fmt.Errorf("start noise suppression: %w", err)
	}
	return d, nil
}

func (d *denoiser) init(ctx context.Context) error {
	call := func(name string, args ...uint64) (uint64, error) {
		f := d.mod.ExportedFunction(name)
		if f == nil {
			return 0, fmt.Errorf("rnnoise.wasm has no export %q (not the 0.2.0 build?)", name)
		}
		r, err := f.Call(ctx, args...)
		if err != nil || len(r) == 0 {
			return 0, err
		}
		return r[0], nil
	}
	if _, err := call(exCtors); err != nil {
		return err
	}
	if n, err := call(exFrame); err != nil || n != FrameSize {
		return errors.Join(err, fmt.Errorf("rnnoise frame size %d, want %d", n, FrameSize))
	}
	st, err := call(exCreate, 0) // 0: the built-in model
	if err != nil || st == 0 {
		return errors.Join(err, errors.New("rnnoise_create failed"))
	}
	in, err := call(exMalloc, 4*FrameSize)
	if err != nil || in == 0 {
		return errors.Join(err, errors.New("out of memory"))
	}
	out, err := call(exMalloc, 4*FrameSize)
	if err != nil || out == 0 {
		return errors.Join(err, errors.New("out of memory"))
	}
	d.st, d.in, d.out = uint32(st), uint32(in), uint32(out)
	return nil
}

// frameInPlace denoises one frame of FrameSize samples (int16 scale, as
// RNNoise expects) in place.
func (d *denoiser) frameInPlace(ctx context.Context, x []float32) error {
	for i, v := range x {
		binary.LittleEndian.PutUint32(d.frame[4*i:], math.Float32bits(v))
	}
	mem := d.mod.Memory()
	if !mem.Write(d.in, d.frame) {
		return errors.New("noise suppression: write outside memory")
	}
	if _, err := d.process.Call(ctx, uint64(d.st), uint64(d.out), uint64(d.in)); err != nil {
		return fmt.Errorf("noise suppression: %w", err)
	}
	b, ok := mem.Read(d.out, 4*FrameSize)
	if !ok {
		return errors.New("noise suppression: read outside memory")
	}
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return nil
}

func (d *denoiser) close(ctx context.Context) {
	_, _ = d.destroy.Call(ctx, uint64(d.st))
	_, _ = d.fre.Call(ctx, uint64(d.in))
	_, _ = d.fre.Call(ctx, uint64(d.out))
	d.mod.Close(ctx)
}
