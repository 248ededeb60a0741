namespace Hospes.Storage.Tests.Debian.Support;

/// <summary>Tests that build or boot the Debian image share one build and run one at a time (TCG needs the CPUs).</summary>
[CollectionDefinition(Name)]
public sealed class DebianImageGroup : ICollectionFixture<DebianImageFixture>
{
    public const string Name = "debian image";
}
