global using System.Numerics;
global using ILGPU;
global using ILGPU.Runtime;
