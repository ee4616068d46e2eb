//! Colours as data: a dark and a light palette, chosen with `[ui] theme` or `:theme`.
//! `NO_COLOR` (https://no-color.org) turns colour off; emphasis (bold, reverse) stays.

use ratatui::style::{Color, Modifier, Style};

use crate::gap::Status;

#[derive(Debug, Clone, Copy, PartialEq)]
struct Palette {
    accent: Color,
    muted: Color,
    group: Color,
    label: Color,
    linked: Color,
    warn: Color,
    error: Color,
    ok: Color,
    cut_over: Color,
    in_progress: Color,
    ignored: Color,
}

const DARK: Palette = Palette {
    accent: Color::Cyan,
    muted: Color::DarkGray,
    group: Color::Yellow,
    label: Color::Blue,
    linked: Color::Magenta,
    warn: Color::Yellow,
    error: Color::Red,
    ok: Color::Green,
    cut_over: Color::LightBlue,
    in_progress: Color::Magenta,
    ignored: Color::DarkGray,
};

/// For light backgrounds: no yellow text, darker accents. Muted text is a dark grey, not
/// ANSI colour 7 (light grey), which is nearly invisible on a light background.
const LIGHT: Palette = Palette {
    accent: Color::Blue,
    muted: Color::Rgb(95, 95, 95),
    group: Color::Rgb(140, 80, 0),
    label: Color::Rgb(30, 70, 160),
    linked: Color::Rgb(140, 30, 140),
    warn: Color::Rgb(170, 90, 0),
    error: Color::Rgb(190, 20, 30),
    ok: Color::Rgb(20, 120, 40),
    cut_over: Color::Rgb(20, 90, 190),
    in_progress: Color::Rgb(120, 50, 170),
    ignored: Color::Rgb(110, 110, 110),
};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theme {
    color: bool,
    palette: Palette,
    pub name: &'static str,
}

impl Default for Theme {
    fn default() -> Self {
        Theme::named("dark", true)
    }
}

impl Theme {
    /// The dark theme, without colour when `NO_COLOR` is set.
    pub fn from_env() -> Self {
        Theme::named("dark", no_color_unset())
    }

    /// `dark` or `light` (anything else is dark); `color` false draws without colour.
    pub fn named(name: &str, color: bool) -> Self {
        let (palette, name) = match name {
            "light" => (LIGHT, "light"),
            _ => (DARK, "dark"),
        };
        Theme {
            color,
            palette,
            name,
        }
    }

    pub fn has_color(&self) -> bool {
        self.color
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.fg(self.palette.accent).add_modifier(Modifier::BOLD)
        } else {
            self.fg(self.palette.muted)
        }
    }
    pub fn selected(&self, focused: bool) -> Style {
        if focused {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new().add_modifier(Modifier::UNDERLINED)
        }
    }
    pub fn group(&self) -> Style {
        self.fg(self.palette.group).add_modifier(Modifier::BOLD)
    }
    pub fn dim(&self) -> Style {
        self.fg(self.palette.muted)
    }
    pub fn key(&self) -> Style {
        self.fg(self.palette.accent).add_modifier(Modifier::BOLD)
    }
    pub fn label(&self) -> Style {
        self.fg(self.palette.label)
    }
    pub fn warn(&self) -> Style {
        self.fg(self.palette.warn)
    }
    /// Resources linked to the selection, in the other panes and the links list.
    pub fn linked(&self) -> Style {
        self.fg(self.palette.linked).add_modifier(Modifier::BOLD)
    }
    pub fn error(&self) -> Style {
        self.fg(self.palette.error).add_modifier(Modifier::BOLD)
    }
    pub fn ok(&self) -> Style {
        self.fg(self.palette.ok)
    }
    /// A migration status's colour, as in the reports.
    pub fn status(&self, status: Status) -> Style {
        let p = &self.palette;
        let c = match status {
            Status::Unknown => p.warn,
            Status::Missing => p.error,
            Status::Partial => p.warn,
            Status::Ready | Status::Migrated => p.ok,
            Status::CutOver => p.cut_over,
            Status::InProgress => p.in_progress,
            Status::Ignored | Status::NotRequired => p.ignored,
        };
        self.fg(c).add_modifier(Modifier::BOLD)
    }
}

fn no_color_unset() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The theme from the config's name, honouring `NO_COLOR`.
pub fn configured(name: &str) -> Theme {
    Theme::named(name, no_color_unset())
}
