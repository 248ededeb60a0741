namespace Hospes.Integration.Tests.Support;

[CollectionDefinition(Name)]
public sealed class HospesTests : ICollectionFixture<TinyImage>
{
    public const string Name = "hospes";
}
