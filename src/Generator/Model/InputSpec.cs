namespace Axon.Generator.Model
{
    /// <summary>
    /// One input of a model with several: its Forward parameter's name, where its values start in the packed input
    /// row, its per-sample shape, and whether it is fixed (neither interpolated nor attributed).
    /// </summary>
    internal sealed record InputSpec(string Name, int Offset, EquatableArray<int> Shape, bool Fixed)
    {
        public int Size
        {
            get
            {
                int size = 1;
                foreach (int d in Shape) size *= d;
                return size;
            }
        }
    }
}
