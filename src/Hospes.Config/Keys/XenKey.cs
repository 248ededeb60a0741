namespace Hospes.Config.Keys;

/// <summary>One config key and what Hospes does with it.</summary>
/// <param name="Name">The key as written in the file.</param>
/// <param name="Class">Honoured, meaningless or impossible.</param>
/// <param name="Effect">
/// Honoured: what it maps to. Meaningless: why nothing is needed. Impossible: what the guest lacks (the warning's text).
/// </param>
/// <param name="Origin">Where the key comes from: "xl", "xm", "xl, xm" or "hospes" (Hospes's own extensions).</param>
internal sealed record XenKey(string Name, XenKeyClass Class, string Effect, string Origin);
