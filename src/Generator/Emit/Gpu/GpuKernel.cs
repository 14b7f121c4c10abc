namespace Axon.Generator.Emit.Gpu
{
    /// <summary>Which pass a generated GPU kernel belongs to.</summary>
    internal enum GpuPassKind
    {
        Forward,
        Backward,
        ParameterGradient,
        Tangent,
    }

    /// <summary>
    /// One generated GPU kernel: its method text and how to launch it. An element-wise kernel runs one thread per
    /// value of <see cref="Extent"/>; a tiled product runs groups of 16 × 16 threads over a
    /// <see cref="Rows"/> × <see cref="Columns"/> output; a step kernel of a recurrence is an element-wise kernel launched
    /// once per time step (<see cref="Steps"/>, last to first when <see cref="Descending"/>), with the step as its last argument.
    /// The launch expressions read <c>pass</c> (a GpuPass).
    /// </summary>
    internal sealed class GpuKernel
    {
        public GpuKernel(string name, GpuPassKind pass, int node, int writesTo, string method, string extent)
        {
            Name = name;
            Pass = pass;
            Node = node;
            WritesTo = writesTo;
            Method = method;
            Extent = extent;
        }

        public GpuKernel(string name, GpuPassKind pass, int node, int writesTo, string method, string rows, string columns)
            : this(name, pass, node, writesTo, method, "")
        {
            Tiled = true;
            Rows = rows;
            Columns = columns;
        }

        /// <summary>A step kernel: launched <paramref name="steps"/> times over <paramref name="extent"/> threads.</summary>
        public GpuKernel(string name, GpuPassKind pass, int node, int writesTo, string method, string extent, int steps, bool descending)
            : this(name, pass, node, writesTo, method, extent)
        {
            Steps = steps;
            Descending = descending;
        }

        public string Name { get; }

        public GpuPassKind Pass { get; }

        /// <summary>The node whose pass this kernel performs.</summary>
        public int Node { get; }

        /// <summary>For a backward kernel, the input node whose gradient it adds to (skipped below stopAtLayer); else −1.</summary>
        public int WritesTo { get; }

        public string Method { get; }

        public bool Tiled { get; }

        public string Extent { get; }

        public string Rows { get; } = "";

        public string Columns { get; } = "";

        /// <summary>Launches of a step kernel, one per time step; 0 for the other kernels.</summary>
        public int Steps { get; }

        /// <summary>Whether a step kernel runs from the last step to the first (a reverse pass through time).</summary>
        public bool Descending { get; }
    }
}
