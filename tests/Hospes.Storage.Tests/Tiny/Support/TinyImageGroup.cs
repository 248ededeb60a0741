namespace Hospes.Storage.Tests.Tiny.Support;

/// <summary>Tests that build or boot the tiny image share one build and run one at a time (TCG needs the CPUs).</summary>
[CollectionDefinition(Name)]
public sealed class TinyImageGroup : ICollectionFixture<TinyImageFixture>
{
    public const string Name = "tiny image";
}
