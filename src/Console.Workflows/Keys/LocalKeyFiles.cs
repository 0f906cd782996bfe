namespace Console.Workflows.Keys;

/// <summary>
/// Secret files the console creates for itself on first use: readable by the console's user only, written whole
/// (to a temporary file, then moved into place without overwriting), so two nodes starting at once agree on one key.
/// </summary>
public static class LocalKeyFiles
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Reads the file, first creating it with <paramref name="create"/>'s content if it does not exist.</summary>
    public static string ReadOrCreate(string path, Func<string> create)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(create);
        if (File.Exists(path))
            return File.ReadAllText(path);

        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder))
        {
            if (OperatingSystem.IsWindows())
                Directory.CreateDirectory(folder);
            else
                Directory.CreateDirectory(folder, OwnerOnly | UnixFileMode.UserExecute);
        }

        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = OwnerOnly;
        using (var writer = new StreamWriter(temporary, System.Text.Encoding.UTF8, options))
            writer.Write(create());

        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: theirs is the key.
            File.Delete(temporary);
        }

        return File.ReadAllText(path);
    }
}
