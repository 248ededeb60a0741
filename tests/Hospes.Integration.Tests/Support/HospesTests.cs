using Hospes.Testing;

namespace Hospes.Integration.Tests.Support;

/// <summary>
/// Tests run two test classes at a time (AssemblyInfo.cs), each class's tests one after another. A class that
/// measures the host (memory pressure, KSM, RSS) or times a guest (migration downtime) joins this collection
/// instead: xUnit runs it alone, after all the others.
/// </summary>
[CollectionDefinition(Exclusive, DisableParallelization = true)]
public sealed class HospesTests : ICollectionFixture<TinyImage>
{
    public const string Exclusive = "exclusive";
}
