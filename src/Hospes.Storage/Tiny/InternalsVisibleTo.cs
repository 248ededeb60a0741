using System.Runtime.CompilerServices;

// The cpio writer, .modinfo reader and module ordering are tested directly.
[assembly: InternalsVisibleTo("Hospes.Storage.Tests")]
