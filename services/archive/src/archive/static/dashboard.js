// Archive's dashboard: every number comes from the read API (/v1/analytics/indicators and, for
// the overdue cases, /v1/cases), read with the bearer key kept in this tab's sessionStorage.
"use strict";

const KEY_ITEM = "complaints.archive.key";
const OVERDUE_PAGES = 10; // at most 10 pages of 200 overdue cases are counted
window.dashboardCharts = {};

function utcDay(date) { return date.toISOString().slice(0, 10); }

function daysBetween(first, last) {
  const days = [];
  for (let d = new Date(first + "T00:00:00Z"); utcDay(d) <= last; d.setUTCDate(d.getUTCDate() + 1)) days.push(utcDay(d));
  return days;
}

function percent(rate) { return rate === null ? null : Math.round(rate * 1000) / 10; }

async function api(path, params) {
  const url = new URL(path, window.location.href);
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null) url.searchParams.set(name, value);
  const answer = await fetch(url, { headers: { Authorization: "Bearer " + sessionStorage.getItem(KEY_ITEM) } });
  if (answer.status === 401) {
    sessionStorage.removeItem(KEY_ITEM);
    throw new Error("the key was refused");
  }
  if (!answer.ok) throw new Error(path + " answered " + answer.status);
  return answer.json();
}

function chart(id, option) {
  const element = document.getElementById(id);
  const found = window.dashboardCharts[id] || echarts.init(element, null, { renderer: "svg" });
  found.setOption(option, true);
  window.dashboardCharts[id] = found;
  return found;
}

// Recorded complaints per day, one series per value of `dimension`.
async function volumeOver(days, range, dimension) {
  const groups = (await api("v1/analytics/indicators", { ...range, group_by: dimension, top_causes: "false" })).groups;
  const series = await Promise.all(groups.map(async (group) => {
    const byDay = (await api("v1/analytics/indicators", { ...range, group_by: "day", [dimension]: group.key, top_causes: "false" })).groups;
    const recorded = Object.fromEntries(byDay.map((g) => [g.key, g.recorded]));
    return { name: group.key, type: "bar", stack: "volume", data: days.map((day) => recorded[day] || 0) };
  }));
  return {
    tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { top: 40, left: 40, right: 10, bottom: 30 },
    xAxis: { type: "category", data: days }, yAxis: { type: "value", minInterval: 1 }, series,
  };
}

async function overdueCases(range) {
  const cases = [];
  let cursor = null;
  for (let page = 0; page < OVERDUE_PAGES; page++) {
    const answer = await api("v1/cases", {
      overdue: "true", limit: 200, cursor, received_from: range.from + "T00:00:00Z", received_to: range.until + "T00:00:00Z",
    });
    cases.push(...answer.cases);
    cursor = answer.next_cursor;
    if (!cursor) break;
  }
  return cases;
}

function fillTable(id, rows) {
  const body = document.querySelector("#" + id + " tbody");
  body.replaceChildren(...rows.map((cells) => {
    const row = document.createElement("tr");
    for (const value of cells) {
      const cell = document.createElement("td");
      cell.textContent = value === null || value === undefined ? "" : String(value);
      row.appendChild(cell);
    }
    return row;
  }));
}

function kpis(total) {
  const tiles = [
    ["received", total.received, "received · 受理"], ["answer_rate", percent(total.answer_rate), "answer rate %"],
    ["resolution_rate", percent(total.resolution_rate), "resolution rate %"],
    ["on_time_acknowledge_rate", percent(total.on_time_acknowledge_rate), "acknowledged in time %"],
    ["time_to_resolve_p50_hours", total.time_to_resolve_p50_hours, "time to resolve p50 (h)"],
    ["satisfaction_mean", total.satisfaction_mean, "satisfaction (1–5)"],
  ];
  document.getElementById("kpis").replaceChildren(...tiles.map(([name, value, label]) => {
    const tile = document.createElement("div");
    tile.className = "kpi";
    tile.dataset.name = name;
    const number = document.createElement("b");
    number.textContent = value === null ? "–" : String(value);
    const caption = document.createElement("span");
    caption.textContent = label;
    tile.append(number, caption);
    return tile;
  }));
}

async function load() {
  const status = document.getElementById("status");
  document.body.dataset.loaded = "false";
  const first = document.getElementById("from").value, last = document.getElementById("to").value;
  const range = { from: first, to: last };
  const until = new Date(last + "T00:00:00Z");
  until.setUTCDate(until.getUTCDate() + 1);
  const days = daysBetween(first, last);
  status.textContent = "loading…";
  try {
    const [byDepartment, byChannel, byCategory, overdue] = await Promise.all([
      api("v1/analytics/indicators", { ...range, group_by: "department" }),
      volumeOver(days, range, "channel"),
      volumeOver(days, range, "category"),
      overdueCases({ from: first, until: utcDay(until) }),
    ]);
    const departments = byDepartment.groups.map((g) => g.key);
    kpis(byDepartment.total);
    chart("volume-channel", byChannel);
    chart("volume-category", byCategory);
    const bars = (name, field, scale = percent) => ({ name, type: "bar", data: byDepartment.groups.map((g) => scale(g[field])),
      label: { show: true, position: "top" } });
    const axes = { tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { top: 40, left: 40, right: 10, bottom: 30 },
      xAxis: { type: "category", data: departments } };
    chart("department-rates", { ...axes, yAxis: { type: "value", max: 100 }, series: [
      bars("acknowledged in time", "on_time_acknowledge_rate"), bars("resolved in time", "on_time_resolve_rate"),
      bars("resolution rate", "resolution_rate")] });
    const overdueBy = {};
    for (const found of overdue) overdueBy[found.department || "unknown"] = (overdueBy[found.department || "unknown"] || 0) + 1;
    chart("overdue-escalated", { ...axes, yAxis: { type: "value", minInterval: 1 }, series: [
      { name: "overdue now", type: "bar", data: departments.map((d) => overdueBy[d] || 0), label: { show: true, position: "top" } },
      bars("escalated", "escalated", (n) => n)] });
    chart("satisfaction", { ...axes, yAxis: { type: "value", min: 0, max: 5 }, series: [
      bars("mean score", "satisfaction_mean", (n) => n), bars("scores", "satisfaction_count", (n) => n)] });
    fillTable("causes", byDepartment.top_causes.map((c) => [c.cause, c.cases]));
    fillTable("overdue", overdue.map((c) => [c.case_id, c.department, c.status, c.received_at]));
    status.textContent = "as of " + new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC";
    document.body.dataset.loaded = "true";
  } catch (error) {
    status.textContent = "could not load: " + error.message;
    if (!sessionStorage.getItem(KEY_ITEM)) showLogin();
  }
}

function showLogin() { document.getElementById("login").classList.remove("hidden"); }

function start() {
  const params = new URLSearchParams(window.location.search);
  const today = new Date();
  const monthAgo = new Date(today.getTime() - 29 * 86400000);
  document.getElementById("from").value = params.get("from") || utcDay(monthAgo);
  document.getElementById("to").value = params.get("to") || utcDay(today);
  document.getElementById("range").addEventListener("submit", (event) => { event.preventDefault(); load(); });
  document.getElementById("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY_ITEM, document.getElementById("key").value);
    document.getElementById("login").classList.add("hidden");
    load();
  });
  window.addEventListener("resize", () => Object.values(window.dashboardCharts).forEach((c) => c.resize()));
  if (sessionStorage.getItem(KEY_ITEM)) load(); else showLogin();
}

document.addEventListener("DOMContentLoaded", start);
