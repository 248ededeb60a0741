namespace Hospes.Config;

public sealed record ConfigReadOptions
{
    /// <summary>
    /// When true (<c>hospes create</c>), problems with this host are errors; when false
    /// (<c>hospes config check</c>), they are warnings so a file can be checked anywhere.
    /// </summary>
    public bool StrictHost { get; init; }

    public IHostFacts Host { get; init; } = new HostFacts();
}
