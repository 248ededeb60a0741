using System.Security.Cryptography;
using System.Text;
using Hospes.Storage.Tiny.Apt;
using Hospes.Storage.Tiny.Initramfs;

namespace Hospes.Storage.Tiny;

/// <summary>
/// Identifies everything a tiny image is made from, computable before downloading anything: package versions (the
/// SSH server's libraries included), the files Hospes writes, the module list. Equal hashes mean a rebuild would
/// produce the same image.
/// </summary>
internal static class InputsHash
{
    /// <summary>Bump when the way the image is assembled changes in a way the other inputs do not show.</summary>
    private const int Format = 3;

    public static string Compute(
        string kernelPackage,
        string kernelPackageVersion,
        string busyboxPackageVersion,
        IEnumerable<DebPackage> packages,
        IEnumerable<string> modules,
        IEnumerable<GuestFile> files)
    {
        var text = new StringBuilder();
        text.Append("format ").Append(Format).Append('\n');
        text.Append("kernel ").Append(kernelPackage).Append(' ').Append(kernelPackageVersion).Append('\n');
        text.Append("busybox ").Append(busyboxPackageVersion).Append('\n');
        foreach (DebPackage package in packages.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            text.Append("package ").Append(package.Name).Append(' ').Append(package.Version).Append('\n');
        }

        text.Append("modules ").AppendJoin(',', modules).Append('\n');
        foreach (GuestFile file in files.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            byte[] content = SHA256.HashData(Encoding.UTF8.GetBytes(file.Content));
            text.Append("file ").Append(file.Path).Append(' ').Append(file.Mode).Append(' ').Append(Convert.ToHexStringLower(content)).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
