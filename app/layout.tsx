import type { Metadata } from "next";
import type { ReactNode } from "react";
import { SimulatorBanner } from "@/components/shell/simulator-banner";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Lab Results Portal", template: "%s · Lab Results Portal" },
  description: "Upload lab results to Docus and read the interpretation reports it returns.",
  robots: { index: false, follow: false },
  icons: { icon: "/favicon.svg" },
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <SimulatorBanner />
        {children}
      </body>
    </html>
  );
}
