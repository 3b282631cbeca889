using System.Runtime.CompilerServices;

// The interop tests run the tour's tutorial handlers against the tutorial's own Python scripts.
[assembly: InternalsVisibleTo("NetComm.InteropTests")]
