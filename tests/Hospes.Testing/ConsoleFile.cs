namespace Hospes.Testing;

/// <summary>A guest's console log (or a plain QEMU's serial file), read while QEMU still writes it.</summary>
public static class ConsoleFile
{
    /// <summary>The whole file, "" while it does not exist yet.</summary>
    public static async Task<string> ReadAsync(string path)
    {
        if (!File.Exists(path))
        {
            return "";
        }

        try
        {
            await using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(f);
            return await reader.ReadToEndAsync();
        }
        catch (FileNotFoundException)
        {
            return "";
        }
    }

    /// <summary>
    /// Polls the file every <paramref name="poll"/> until it holds <paramref name="text"/>; throws a <see cref="TimeoutException"/>
    /// after <paramref name="limit"/>. The poll sets how finely a benchmark times a boot.
    /// </summary>
    public static async Task WaitForAsync(string path, string text, TimeSpan limit, TimeSpan poll)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!(await ReadAsync(path)).Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no {text} in {path} after {limit.TotalSeconds:0} s");
            }

            await Task.Delay(poll);
        }
    }
}
