using MudBlazor;

namespace Console.Web.Components.Layout;

public static class ConsoleTheme
{
    private const string OnLightColour = "rgba(0,0,0,0.87)";

    public static readonly MudTheme Theme = new()
    {
        // Every colour that text or a chip's label takes is at least 4.5:1 against white and against its own light tint
        // (WCAG AA; the axe tests check every page): MudBlazor's default success, warning, info and error are not.
        PaletteLight = new PaletteLight
        {
            Primary = "#0b5cad",
            Secondary = "#00695c",
            Tertiary = "#5e35b1",
            Info = "#1565c0",
            Success = "#1b7a2e",
            Warning = "#a65300",
            Error = "#c62828",
            TextSecondary = "rgba(0,0,0,0.65)",
            AppbarBackground = "#0b3d6e",
        },
        // The dark theme holds the same line against its own backgrounds (#32333d, surfaces #373740, drawer #27272f) and
        // a colour's 12 % tint, 4.7:1 or more (axe checks every page in both themes): MudBlazor's dark info, success and
        // error, and its 50 % secondary text, are below 4.5:1. Colours this light need dark text when filled.
        PaletteDark = new PaletteDark
        {
            Primary = "#90c2ff",
            PrimaryContrastText = OnLightColour,
            Secondary = "#80cbc4",
            SecondaryContrastText = OnLightColour,
            Tertiary = "#c5b3ef",
            TertiaryContrastText = OnLightColour,
            Info = "#90caf9",
            InfoContrastText = OnLightColour,
            Success = "#66d9a0",
            SuccessContrastText = OnLightColour,
            Warning = "#ffb74d",
            WarningContrastText = OnLightColour,
            Error = "#ffab9f",
            ErrorContrastText = OnLightColour,
            TextSecondary = "rgba(255,255,255,0.65)",
            DrawerText = "rgba(255,255,255,0.70)",
            DrawerIcon = "rgba(255,255,255,0.70)",
        },
    };
}
